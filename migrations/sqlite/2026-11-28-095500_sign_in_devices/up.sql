-- Sign-in throttling with device cookies (OWASP "Slow down online guessing attacks with device
-- cookies"): a browser that signed in to an account before carries a cookie whose hash is kept
-- here; its failed attempts are counted per device, so guesses from elsewhere never lock the
-- owner out of that browser.
CREATE TABLE trusted_devices (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX trusted_devices_account ON trusted_devices(account_id);

-- The device an attempt came from (NULL: a browser without a valid device cookie).
ALTER TABLE login_attempts ADD COLUMN device_key TEXT;
CREATE INDEX login_attempts_device ON login_attempts(device_key, attempted_at);
