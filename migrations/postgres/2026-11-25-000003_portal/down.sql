DROP TABLE pending_diary_entries;
DROP TABLE diary_symptoms;
DROP TABLE diary_entries;
DROP TABLE client_symptoms;
DROP TABLE invitations;
DROP INDEX accounts_client;
ALTER TABLE clients DROP COLUMN utc_offset_minutes;
ALTER TABLE clients DROP COLUMN share_results;
