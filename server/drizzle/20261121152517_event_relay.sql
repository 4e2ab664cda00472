ALTER TABLE "realtime_events" DROP CONSTRAINT "realtime_events_tenant_id_seq_pk";--> statement-breakpoint
ALTER TABLE "realtime_events" ALTER COLUMN "seq" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "realtime_events" ADD COLUMN "id" bigserial PRIMARY KEY NOT NULL;--> statement-breakpoint
ALTER TABLE "realtime_events" ADD COLUMN "xid" "xid8" DEFAULT pg_current_xact_id() NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "realtime_events_seq_key" ON "realtime_events" USING btree ("tenant_id","seq");--> statement-breakpoint
CREATE INDEX "realtime_events_pending_idx" ON "realtime_events" USING btree ("id") WHERE "realtime_events"."seq" is null;