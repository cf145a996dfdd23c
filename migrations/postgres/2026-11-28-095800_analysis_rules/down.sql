ALTER TABLE practitioner_settings DROP COLUMN embedded_version;
DROP TABLE analysis_rules;
