-- A hair test and its measured levels (stored in mg%, unrounded). The analysis summary columns
-- are derived data, recomputed whenever the test or its reference set changes; they exist so
-- lists and dashboard filters need no per-row analysis.
CREATE TABLE hair_tests (
    id BIGINT PRIMARY KEY NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients(id),
    sample_date DATE NOT NULL,
    entered_at TIMESTAMP NOT NULL,
    lab TEXT NOT NULL DEFAULT '',
    lab_sample_id TEXT,
    washed BOOLEAN NOT NULL DEFAULT FALSE,
    entry_unit TEXT NOT NULL DEFAULT 'mg%',
    printed_ratios TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    oxidation_type TEXT NOT NULL DEFAULT 'undetermined',
    oxidation_degree TEXT,
    pattern_ids TEXT NOT NULL DEFAULT '',
    reference_set TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    deleted_at TIMESTAMP
);
CREATE INDEX hair_tests_client ON hair_tests(client_id, deleted_at, sample_date);

CREATE TABLE hair_test_levels (
    hair_test_id BIGINT NOT NULL REFERENCES hair_tests(id) ON DELETE CASCADE,
    element TEXT NOT NULL,
    mg_pct DOUBLE PRECISION NOT NULL,
    below_limit BOOLEAN NOT NULL,
    PRIMARY KEY (hair_test_id, element)
);

-- An uploaded CSV between preview and confirmation: kept in the database so any app instance
-- can confirm it.
CREATE TABLE pending_imports (
    id BIGINT PRIMARY KEY NOT NULL,
    practitioner_id BIGINT NOT NULL REFERENCES accounts(id),
    client_id BIGINT REFERENCES clients(id),
    file_name TEXT NOT NULL,
    default_unit TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Flags derived from consecutive tests (CMP-2, CMP-3). `flag_key` identifies the same flag when
-- it is derived again, so acknowledgements survive recomputation; a flag no longer derived is
-- kept inactive rather than deleted.
CREATE TABLE flags (
    id BIGINT PRIMARY KEY NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients(id),
    flag_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    rule TEXT NOT NULL,
    summary TEXT NOT NULL,
    from_test_id BIGINT,
    to_test_id BIGINT,
    raised_at TIMESTAMP NOT NULL,
    active BOOLEAN NOT NULL,
    acknowledged_at TIMESTAMP,
    acknowledged_by BIGINT,
    ack_note TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX flags_client_key ON flags(client_id, flag_key);
CREATE INDEX flags_open ON flags(active, acknowledged_at, raised_at);
