CREATE TABLE "channel_send_holds" (
	"tenant_id" uuid NOT NULL,
	"channel_account_id" uuid NOT NULL,
	"recipient" text DEFAULT '' NOT NULL,
	"hold_until" timestamp with time zone NOT NULL,
	"reason" text,
	CONSTRAINT "channel_send_holds_channel_account_id_recipient_pk" PRIMARY KEY("channel_account_id","recipient")
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "origin" text DEFAULT 'customer' NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "window_closed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "locked_until_reply" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "channel_send_holds" ADD CONSTRAINT "channel_send_holds_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_send_holds" ADD CONSTRAINT "channel_send_holds_channel_account_id_channel_accounts_id_fk" FOREIGN KEY ("channel_account_id") REFERENCES "public"."channel_accounts"("id") ON DELETE cascade ON UPDATE no action;