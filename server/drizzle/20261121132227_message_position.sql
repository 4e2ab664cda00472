DROP INDEX "messages_session_idx";--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "position" bigserial NOT NULL;--> statement-breakpoint
CREATE INDEX "messages_session_idx" ON "messages" USING btree ("session_id","position");