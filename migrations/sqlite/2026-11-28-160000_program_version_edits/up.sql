-- Program versions can be corrected (issue 14): edited in place (audited), or deleted softly and
-- restorable for 30 days like hair tests and summaries. A deleted version is left out of the
-- program, the charts and the portal; `updated_at` says a version was corrected after it was made.
ALTER TABLE program_versions ADD COLUMN updated_at TIMESTAMP;
ALTER TABLE program_versions ADD COLUMN deleted_at TIMESTAMP;
