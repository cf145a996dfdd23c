-- The answers of one client found by an index (issue 15). A page reads a client's answers of a
-- period; with only the entry's id to go by, PostgreSQL read every answer of every client (a
-- sequential scan and a hash join: the cost grew with the practice). Each answer now carries its
-- entry's client, as the entry itself does (an entry never moves to another client). The table
-- is rebuilt rather than given a column with a default, so a row written without its client is
-- refused here as on PostgreSQL.
CREATE TABLE diary_program_answers_new (
    entry_id BIGINT NOT NULL REFERENCES diary_entries(id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    supplement_id BIGINT,
    version_id BIGINT,
    name TEXT NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('taken', 'partly', 'not_taken', 'yes', 'no')),
    client_id BIGINT NOT NULL,
    PRIMARY KEY (entry_id, item_key)
);
INSERT INTO diary_program_answers_new
    (entry_id, item_key, supplement_id, version_id, name, answer, client_id)
SELECT a.entry_id, a.item_key, a.supplement_id, a.version_id, a.name, a.answer, e.client_id
FROM diary_program_answers a JOIN diary_entries e ON e.id = a.entry_id;
DROP TABLE diary_program_answers;
ALTER TABLE diary_program_answers_new RENAME TO diary_program_answers;
CREATE INDEX diary_program_answers_client ON diary_program_answers(client_id, entry_id);
