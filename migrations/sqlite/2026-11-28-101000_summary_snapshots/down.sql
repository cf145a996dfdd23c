ALTER TABLE summaries DROP COLUMN deleted_at;
ALTER TABLE summaries DROP COLUMN content;
