ALTER TABLE program_versions DROP COLUMN deleted_at;
ALTER TABLE program_versions DROP COLUMN updated_at;
