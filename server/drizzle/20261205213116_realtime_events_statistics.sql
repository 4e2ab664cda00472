-- The relay numbers an event only once every older transaction has ended, and an ANALYZE of this table holds a
-- transaction id while it runs: every event recorded meanwhile reached operators that much later (seen: 250–420 ms
-- under load). Autovacuum analyses it often, as the relay's numbering changes every row. Statements read it by key
-- (tenant and seq, id, created_at), so a small sample does: 3,000 rows (target 10) instead of 30,000, and no
-- statistics at all for payloads and rooms, which nothing filters by. ANALYZE at 89,000 events: ~390 → ~90 ms.
ALTER TABLE "realtime_events" ALTER COLUMN "payload" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "realtime_events" ALTER COLUMN "rooms" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "realtime_events" ALTER COLUMN "id" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "realtime_events" ALTER COLUMN "tenant_id" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "realtime_events" ALTER COLUMN "seq" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "realtime_events" ALTER COLUMN "xid" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "realtime_events" ALTER COLUMN "name" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "realtime_events" ALTER COLUMN "created_at" SET STATISTICS 10;
