DROP TABLE practitioner_settings;
DROP TABLE reference_sets;
