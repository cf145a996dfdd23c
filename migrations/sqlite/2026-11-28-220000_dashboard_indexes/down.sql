DROP INDEX client_summaries_due;
CREATE INDEX client_summaries_due ON client_summaries(practitioner_id, retest_due_on);
DROP INDEX clients_scope;
DROP INDEX flags_open;
CREATE INDEX flags_open ON flags(active, acknowledged_at, raised_at);
