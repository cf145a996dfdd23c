-- One home for everything typed and kept after a session ended (issue 14): the portal's kept
-- diary entry becomes one kind of kept form (action /portal/diary), so `pending_diary_entries`
-- goes. The kept fields are now sealed: `sealed` is ChaCha20-Poly1305 ciphertext under a key
-- derived from the browser's cookie token, which the server never stores (only its SHA-256,
-- `token_hash`). Rows kept before this migration hold plain text and cannot be sealed without
-- that token, so they are dropped with the old columns (they lived at most a day).
DROP TABLE pending_diary_entries;
DROP TABLE kept_forms;
CREATE TABLE kept_forms (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT REFERENCES accounts(id) ON DELETE CASCADE,
    remote_addr TEXT NOT NULL,
    action_path TEXT NOT NULL,
    page_path TEXT NOT NULL,
    sealed TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX kept_forms_addr ON kept_forms(remote_addr, created_at);
