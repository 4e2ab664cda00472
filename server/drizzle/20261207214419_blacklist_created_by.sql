ALTER TABLE "blacklist_entries" ADD COLUMN "created_by_user_id" uuid;--> statement-breakpoint
ALTER TABLE "blacklist_entries" ADD COLUMN "created_by_api_key_id" uuid;