-- Progress summaries as the practitioner created them: the period and the comment are kept so
-- the same summary can be printed or downloaded again, and shared with the client on request.
CREATE TABLE summaries (
    id BIGINT PRIMARY KEY NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients(id),
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    shared_at TIMESTAMP
);
CREATE INDEX summaries_client ON summaries(client_id, created_at);
