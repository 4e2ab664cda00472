-- No statement filters or joins on an event's payload or rooms (the catch-up reads by tenant and seq), but ANALYZE
-- computed statistics for both: about a quarter of its time on this table, which the relay's numbering keeps due
-- for analysis as it grows. The rest is reading the sampled pages.
ALTER TABLE "realtime_events" ALTER COLUMN "payload" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "realtime_events" ALTER COLUMN "rooms" SET STATISTICS 0;
