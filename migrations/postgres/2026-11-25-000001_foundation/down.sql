DROP TABLE audit_events; DROP TABLE clients; DROP TABLE login_attempts; DROP TABLE sessions; DROP TABLE accounts;
