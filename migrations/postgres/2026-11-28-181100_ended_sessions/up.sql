-- Sessions that ended (signed out, idle or absolute timeout, ended from another tab or device)
-- are remembered for a day (issue 14): a form posted afterwards with that session's
-- anti-forgery token proves it was written by the session's account, so it is kept for that
-- account alone. Only hashes are stored: the cookie token's (as in `sessions`) and the
-- anti-forgery token's. Rows older than a day are purged whenever a session ends.
CREATE TABLE ended_sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    csrf_hash TEXT NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    ended_at TIMESTAMP NOT NULL
);
CREATE INDEX ended_sessions_csrf ON ended_sessions(csrf_hash);
CREATE INDEX ended_sessions_ended ON ended_sessions(ended_at);
