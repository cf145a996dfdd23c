DROP INDEX diary_program_answers_client;
ALTER TABLE diary_program_answers DROP COLUMN client_id;
