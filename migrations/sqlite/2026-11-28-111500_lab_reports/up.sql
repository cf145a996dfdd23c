-- The lab's report (PDF) kept with the hair test it was read into. Between the upload and the
-- save of the reviewed form it has no test (`hair_test_id` NULL) and is dropped after a week if
-- never saved; it goes with its test when the test is purged after the restore window.
CREATE TABLE lab_report_files (
    id BIGINT PRIMARY KEY NOT NULL,
    practitioner_id BIGINT NOT NULL REFERENCES accounts(id),
    client_id BIGINT NOT NULL REFERENCES clients(id),
    hair_test_id BIGINT REFERENCES hair_tests(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    byte_size BIGINT NOT NULL CHECK (byte_size > 0 AND byte_size <= 5242880),
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX lab_report_files_test ON lab_report_files(hair_test_id);
CREATE INDEX lab_report_files_pending ON lab_report_files(uploaded_at) WHERE hair_test_id IS NULL;
