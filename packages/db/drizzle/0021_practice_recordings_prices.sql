CREATE TABLE "practice_prices" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"price_per_minute_usd" numeric(14, 8) NOT NULL,
	"effective_from" timestamp with time zone NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practice_settings" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"record_sessions" boolean DEFAULT true NOT NULL,
	"transcript_retention_days" integer DEFAULT 365 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "practice_sessions" ADD COLUMN "record_audio" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "practice_sessions" ADD COLUMN "recording_path" text;--> statement-breakpoint
ALTER TABLE "practice_sessions" ADD COLUMN "price_per_minute_usd" numeric(14, 8);--> statement-breakpoint
ALTER TABLE "practice_sessions" ADD COLUMN "charge_usd" numeric(14, 8);--> statement-breakpoint
ALTER TABLE "practice_sessions" ADD COLUMN "transcript_purged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "practice_prices" ADD CONSTRAINT "practice_prices_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_prices" ADD CONSTRAINT "practice_prices_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_settings" ADD CONSTRAINT "practice_settings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "practice_prices_effective" ON "practice_prices" USING btree ("workspace_id","effective_from");--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON practice_settings, practice_prices TO orbis_app;
--> statement-breakpoint
ALTER TABLE practice_settings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE practice_prices ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON practice_settings TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON practice_prices TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
