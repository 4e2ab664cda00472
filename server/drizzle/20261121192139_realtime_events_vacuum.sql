-- Every event is inserted and then numbered (updated) once, so the table and its pending index gather a dead row
-- per event; the default thresholds (20 % of the table) let that reach hundreds of thousands between vacuums.
ALTER TABLE "realtime_events" SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_insert_scale_factor = 0.05);
