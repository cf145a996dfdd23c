DROP TABLE audit_chain_head;
DROP INDEX audit_events_client;
DROP INDEX audit_events_owner;
DROP INDEX audit_events_seq;
ALTER TABLE audit_events DROP COLUMN client_id;
ALTER TABLE audit_events DROP COLUMN owner_id;
ALTER TABLE audit_events DROP COLUMN entry_hash;
ALTER TABLE audit_events DROP COLUMN seq;
