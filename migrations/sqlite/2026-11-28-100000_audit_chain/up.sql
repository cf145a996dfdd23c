-- Tamper evidence and access records (issue 12).
-- seq: the event's place in the hash chain; entry_hash: SHA-256 of the previous event's hash and
-- this event's content (db::audit::chain_hash), so editing, deleting or reordering an event breaks
-- every later link (`htma-tracker audit verify`). owner_id: the practitioner whose records the
-- event concerns (their audit page); client_id: the client whose record it concerns, so every
-- read and write of one client's record is found with an index. Existing events are chained and
-- scoped by the application at start (db::audit::seal_unchained).
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN entry_hash TEXT;
ALTER TABLE audit_events ADD COLUMN owner_id BIGINT;
ALTER TABLE audit_events ADD COLUMN client_id BIGINT;
CREATE UNIQUE INDEX audit_events_seq ON audit_events(seq);
CREATE INDEX audit_events_owner ON audit_events(owner_id, occurred_at, id);
CREATE INDEX audit_events_client ON audit_events(client_id, occurred_at, id);

-- The last link of the chain; its row is locked by each new event, so events are chained one
-- at a time on both engines.
CREATE TABLE audit_chain_head (
    id INTEGER PRIMARY KEY NOT NULL,
    seq BIGINT NOT NULL,
    entry_hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, seq, entry_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
