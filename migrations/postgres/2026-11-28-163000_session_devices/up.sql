-- The account's own list of its sessions (issue 14; ASVS 7.4, 7.5): the browser each session
-- was last used from (its User-Agent, shown in plain words) and the address, noted on the
-- session's first request and refreshed with its last-seen time.
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN remote_addr TEXT NOT NULL DEFAULT '';
