-- The nutritional program (issue 4): dated versions, each complete in itself, so the history
-- shows exactly what was prescribed from when. Changing the program adds a version.
CREATE TABLE program_versions (
    id BIGINT PRIMARY KEY NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients(id),
    starts_on DATE NOT NULL,
    diet TEXT NOT NULL DEFAULT '',
    lifestyle TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    created_by BIGINT NOT NULL REFERENCES accounts(id)
);
CREATE INDEX program_versions_client ON program_versions(client_id, starts_on);

CREATE TABLE program_supplements (
    id BIGINT PRIMARY KEY NOT NULL,
    version_id BIGINT NOT NULL REFERENCES program_versions(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name TEXT NOT NULL,
    dose TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    frequency TEXT NOT NULL DEFAULT ''
);
CREATE INDEX program_supplements_version ON program_supplements(version_id, position);

-- Per-client retest interval in months (CMP-4); NULL means the default of 4.
ALTER TABLE clients ADD COLUMN retest_interval_months BIGINT;

-- Dashboard: open flags across a practitioner's clients, newest first.
CREATE INDEX flags_client_open ON flags(client_id, active, acknowledged_at);

-- Per-client summary of the latest test, derived like the flags whenever tests change, so the
-- dashboard filters thousands of clients with indexed queries instead of analysing each.
CREATE TABLE client_summaries (
    client_id BIGINT PRIMARY KEY NOT NULL REFERENCES clients(id),
    practitioner_id BIGINT NOT NULL REFERENCES accounts(id),
    test_count BIGINT NOT NULL,
    last_sample_date DATE,
    oxidation_type TEXT,
    oxidation_degree TEXT,
    pattern_ids TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX client_summaries_type ON client_summaries(practitioner_id, oxidation_type);
CREATE INDEX client_summaries_activity ON client_summaries(practitioner_id, updated_at);
