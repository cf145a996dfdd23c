DROP INDEX client_summaries_due; ALTER TABLE client_summaries DROP COLUMN retest_due_on;
