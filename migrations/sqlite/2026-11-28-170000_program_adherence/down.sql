DROP TABLE diary_program_answers;
