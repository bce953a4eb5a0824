ALTER TABLE "phone_numbers" ADD COLUMN "purpose" text DEFAULT 'agent' NOT NULL;--> statement-breakpoint
ALTER TABLE "practice_sessions" ADD COLUMN "phone_number_id" text;--> statement-breakpoint
ALTER TABLE "practice_sessions" ADD COLUMN "phone_code_hash" text;--> statement-breakpoint
ALTER TABLE "practice_sessions" ADD COLUMN "phone_code_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "practice_sessions" ADD CONSTRAINT "practice_sessions_phone_number_id_phone_numbers_id_fk" FOREIGN KEY ("phone_number_id") REFERENCES "public"."phone_numbers"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "practice_sessions_phone_code" ON "practice_sessions" USING btree ("workspace_id","phone_code_hash");