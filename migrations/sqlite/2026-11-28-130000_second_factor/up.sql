-- The second factor (issue 12; OWASP ASVS 5.0 6.3.2): time-based one-time codes (RFC 6238).
-- One row per account that turned it on. The secret has to be readable to compute codes, so it
-- is stored as given to the authenticator app (base32). `last_step` is the time step of the
-- last accepted code: a code is accepted only for a later step, so no code works twice.
CREATE TABLE second_factors (
    account_id BIGINT PRIMARY KEY NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    last_step BIGINT NOT NULL,
    enabled_at TIMESTAMP NOT NULL
);

-- Single-use recovery codes: only their SHA-256 is kept (80 random bits each, see
-- auth/totp.rs); `used_at` set when one replaced a code.
CREATE TABLE recovery_codes (
    code_hash TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    used_at TIMESTAMP
);
CREATE INDEX recovery_codes_account ON recovery_codes(account_id);

-- A sign-in whose password was right and whose code is still to come: not a session, only the
-- right to ask for the code for a few minutes, held by a cookie whose hash is kept here.
CREATE TABLE pending_sign_ins (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX pending_sign_ins_account ON pending_sign_ins(account_id);
