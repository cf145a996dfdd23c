DROP TABLE client_time_zones;
