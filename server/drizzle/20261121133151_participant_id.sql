ALTER TABLE "session_participants" DROP CONSTRAINT "session_participants_session_id_user_id_joined_at_pk";--> statement-breakpoint
ALTER TABLE "session_participants" ADD COLUMN "id" bigserial PRIMARY KEY NOT NULL;--> statement-breakpoint
CREATE INDEX "session_participants_session_idx" ON "session_participants" USING btree ("session_id");