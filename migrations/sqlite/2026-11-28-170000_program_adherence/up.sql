-- Program adherence (issue 17): the client's answers, per diary day, to "did you take each
-- supplement of your program" and "did you follow the diet". One row per answered item;
-- an unanswered item has no row. `item_key` is `s<supplement id>` for a supplement of the
-- program version in force that day, `diet` for the diet. The supplement's name and version are
-- copied so the answer keeps its meaning if the program's versions are edited later, and the
-- practitioner's views match a supplement across versions by name.
CREATE TABLE diary_program_answers (
    entry_id BIGINT NOT NULL REFERENCES diary_entries(id) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    supplement_id BIGINT,
    version_id BIGINT,
    name TEXT NOT NULL,
    answer TEXT NOT NULL CHECK (answer IN ('taken', 'partly', 'not_taken', 'yes', 'no')),
    PRIMARY KEY (entry_id, item_key)
);
