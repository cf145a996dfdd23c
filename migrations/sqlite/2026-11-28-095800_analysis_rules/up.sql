-- Which version of the analysis rules the stored derived data (summary columns, flags,
-- dashboard summaries) was derived with. When the rules change (exact threshold comparisons,
-- borderline type changes: issue #11), the application re-derives everything at start, in one
-- audited transaction, and records the new version here (see db::rederive). One row.
CREATE TABLE analysis_rules (
    id BIGINT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL,
    derived_at TIMESTAMP
);
INSERT INTO analysis_rules (id, version, derived_at) VALUES (1, 0, NULL);

-- Which embedded default a practitioner without a set of their own uses: NULL is the current
-- default (eck-wilson@2), 1 is the earlier eck-wilson@1 they chose again (issue #19).
ALTER TABLE practitioner_settings ADD COLUMN embedded_version BIGINT;
