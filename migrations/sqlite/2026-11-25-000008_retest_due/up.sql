-- When each client's next hair test is due (CMP-4), kept with the summary so the dashboard
-- finds the due and overdue clients with an index instead of computing it for every client.
-- Filled in by the application (see db::client_summaries::backfill_due) for existing rows.
ALTER TABLE client_summaries ADD COLUMN retest_due_on DATE;
CREATE INDEX client_summaries_due ON client_summaries(practitioner_id, retest_due_on);
