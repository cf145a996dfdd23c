-- The answers of one client found by an index (issue 15). A page reads a client's answers of a
-- period; with only the entry's id to go by, PostgreSQL read every answer of every client (a
-- sequential scan and a hash join: the cost grew with the practice, 1.3-2.7 ms at 1,000
-- clients × 3 years for a client with no answers at all). Each answer now carries its entry's
-- client, as the entry itself does (an entry never moves to another client).
ALTER TABLE diary_program_answers ADD COLUMN client_id BIGINT;
UPDATE diary_program_answers SET client_id = diary_entries.client_id
    FROM diary_entries WHERE diary_entries.id = diary_program_answers.entry_id;
ALTER TABLE diary_program_answers ALTER COLUMN client_id SET NOT NULL;
CREATE INDEX diary_program_answers_client ON diary_program_answers(client_id, entry_id);
