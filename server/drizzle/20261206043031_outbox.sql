CREATE TABLE "outbox" (
	"message_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"available_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_available_idx" ON "outbox" USING btree ("available_at");--> statement-breakpoint
-- Rows come and go all the time: a vacuum that ends by truncating the table's empty tail needs a lock that stops
-- every insert, and waits for one, so it keeps the tail instead.
ALTER TABLE "outbox" SET (vacuum_truncate = false);--> statement-breakpoint
-- Replies queued in the job library's outbox before this table existed are sent from here.
DO $$
BEGIN
  IF to_regclass('pgboss.job') IS NOT NULL THEN
    INSERT INTO "outbox" ("message_id", "tenant_id")
    SELECT m."id", m."tenant_id" FROM pgboss.job j JOIN "messages" m ON m."id"::text = j.data->>'messageId'
    WHERE j.name = 'send-outbound' AND j.state IN ('created', 'retry', 'active') AND m."status" = 'sending'
    ON CONFLICT DO NOTHING;
  END IF;
END $$;
