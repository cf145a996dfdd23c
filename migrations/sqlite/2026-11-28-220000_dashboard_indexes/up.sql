-- The dashboard answered from indexes alone (issue 15). Open flags are counted and listed from
-- flags_open, which now also holds each flag's client and kind, and the client's practitioner
-- and archived mark are read from clients_scope instead of the client's row. Retests due are
-- listed in client_summaries_due's order (due date, then client), so the list stops at its
-- limit instead of sorting every due client.
DROP INDEX flags_open;
CREATE INDEX flags_open ON flags(active, acknowledged_at, raised_at, client_id, kind);
CREATE INDEX clients_scope ON clients(id, practitioner_id, archived_at);
DROP INDEX client_summaries_due;
CREATE INDEX client_summaries_due ON client_summaries(practitioner_id, retest_due_on, client_id);
