-- A progress summary is a document kept as it was made: `content` holds its frozen content
-- (JSON: the data and analyses as of creation, with the reference set and version used), so
-- later tests, diary days, rule changes or reference-set edits never alter it. Summaries made
-- before this version have none yet; they are frozen when first opened after the upgrade.
ALTER TABLE summaries ADD COLUMN content TEXT;
-- Soft delete: a deleted summary leaves every list and the portal at once, and can be restored
-- for 30 days.
ALTER TABLE summaries ADD COLUMN deleted_at TIMESTAMP;
