-- The client's time zone by name (issue 14): an IANA zone such as Europe/Copenhagen, followed
-- across summer time. `clients.utc_offset_minutes` stays as the fallback for clients who chose an
-- offset before zones had names; a name, when set, wins. A table of its own: `clients` is at
-- the column limit of the query builder's default build.
CREATE TABLE client_time_zones (
    client_id BIGINT PRIMARY KEY NOT NULL REFERENCES clients(id),
    time_zone TEXT NOT NULL
);
