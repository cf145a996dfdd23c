-- Client portal and symptom diary (issue 5).

-- Whether hair-test results may be shown in the client's portal (not used yet: nothing from
-- the hair tests is shown to clients until a later issue reads this), and the client's own
-- UTC offset in minutes for "today" in the diary (NULL: the server's offset).
ALTER TABLE clients ADD COLUMN share_results BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE clients ADD COLUMN utc_offset_minutes BIGINT;

-- At most one client account per client.
CREATE UNIQUE INDEX accounts_client ON accounts(client_id);

-- One-time invitation links. Only the SHA-256 of the token is stored; a link is usable while
-- it is neither accepted, revoked nor expired. Kept after use for the record.
CREATE TABLE invitations (
    id BIGINT PRIMARY KEY NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients(id),
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX invitations_client ON invitations(client_id, created_at);

-- Symptoms a practitioner added to one client's vocabulary (the defaults live in the code).
CREATE TABLE client_symptoms (
    id BIGINT PRIMARY KEY NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients(id),
    label TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX client_symptoms_client ON client_symptoms(client_id);

-- One diary entry per client and local date. `revision` rises with every change so a form
-- opened before another change cannot silently overwrite it. The annotation is the
-- practitioner's, never shown to the client.
CREATE TABLE diary_entries (
    id BIGINT PRIMARY KEY NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients(id),
    entry_date DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    triggers TEXT NOT NULL DEFAULT '',
    revision BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    annotation TEXT NOT NULL DEFAULT '',
    annotated_at TIMESTAMP,
    annotated_by BIGINT REFERENCES accounts(id)
);
CREATE UNIQUE INDEX diary_entries_day ON diary_entries(client_id, entry_date);

-- The symptoms present on the entry's day (a symptom not listed was not felt).
CREATE TABLE diary_symptoms (
    entry_id BIGINT NOT NULL REFERENCES diary_entries(id) ON DELETE CASCADE,
    symptom_key TEXT NOT NULL,
    severity BIGINT NOT NULL CHECK (severity BETWEEN 0 AND 10),
    time_of_day TEXT CHECK (time_of_day IN ('night', 'day', 'exercise')),
    PRIMARY KEY (entry_id, symptom_key)
);

-- A diary form posted after its session had ended: kept (for a day) under the SHA-256 of a
-- random token held in a cookie, and saved once the client signs in again. `account_id` is set
-- when the ended session (and its anti-forgery token) identified the account.
CREATE TABLE pending_diary_entries (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT,
    remote_addr TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX pending_diary_entries_addr ON pending_diary_entries(remote_addr, created_at);
