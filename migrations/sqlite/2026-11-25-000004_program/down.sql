DROP TABLE client_summaries; DROP INDEX flags_client_open; DROP TABLE program_supplements; DROP TABLE program_versions;
