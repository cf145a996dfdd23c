DROP TABLE kept_forms;
CREATE TABLE kept_forms (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT REFERENCES accounts(id) ON DELETE CASCADE,
    remote_addr TEXT NOT NULL,
    action_path TEXT NOT NULL,
    page_path TEXT NOT NULL,
    payload TEXT NOT NULL,
    problems TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX kept_forms_addr ON kept_forms(remote_addr, created_at);
CREATE TABLE pending_diary_entries (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT,
    remote_addr TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX pending_diary_entries_addr ON pending_diary_entries(remote_addr, created_at);
