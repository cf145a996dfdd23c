-- Which version of a client's record the pages were made from (issue 15). Every audited change
-- (service::commands::audited) adds one to the version of the scope its events concern, in the
-- change's own transaction, so a part of a page kept for one version is never shown after a
-- change. client_id 0 is the practitioner's whole practice (a change of the reference set in
-- use); owner_id 0 and client_id 0 is everything (a change whose practitioner is not known).
-- A client's pages depend on the sum of its own row, its practice's row and the global row.
CREATE TABLE record_versions (
    owner_id BIGINT NOT NULL,
    client_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    PRIMARY KEY (owner_id, client_id)
);
