DROP INDEX login_attempts_device;
ALTER TABLE login_attempts DROP COLUMN device_key;
DROP TABLE trusted_devices;
