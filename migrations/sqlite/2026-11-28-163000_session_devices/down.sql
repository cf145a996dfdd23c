ALTER TABLE sessions DROP COLUMN remote_addr;
ALTER TABLE sessions DROP COLUMN user_agent;
