DROP TABLE flags; DROP TABLE pending_imports; DROP TABLE hair_test_levels; DROP TABLE hair_tests;
