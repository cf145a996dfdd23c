-- A practitioner's own copies of the reference set (HTMA.md, "Reference sets (data, not code)").
-- `definition` is the ReferenceSet as JSON; `name` and `version` repeat its label so the label
-- can be listed and kept unique without parsing JSON. The embedded default eck-wilson@1 is not
-- stored: it ships with the code.
CREATE TABLE reference_sets (
    id BIGINT PRIMARY KEY NOT NULL,
    practitioner_id BIGINT NOT NULL REFERENCES accounts(id),
    name TEXT NOT NULL,
    version BIGINT NOT NULL,
    definition TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (practitioner_id, name)
);

-- Which set a practitioner's clients are analysed with; no row, or a NULL set, is the default.
CREATE TABLE practitioner_settings (
    practitioner_id BIGINT PRIMARY KEY NOT NULL REFERENCES accounts(id),
    reference_set_id BIGINT REFERENCES reference_sets(id)
);
