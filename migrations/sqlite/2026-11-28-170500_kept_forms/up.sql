-- Practitioner forms posted after their session ended or with a stale anti-forgery token
-- (issue 14): kept until the practitioner signs in again and the same form comes back filled.
-- Only the SHA-256 of the browser's cookie is stored; `account_id` is the account whose ended
-- session rendered the form (NULL when that could not be proven: then only the pages of that
-- client, which the scoped extractors guard, may show it). Rows expire after a day.
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
