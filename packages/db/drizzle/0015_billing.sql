CREATE TABLE "billing_alerts" (
	"workspace_id" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"threshold" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "billing_alerts_workspace_id_period_start_threshold_pk" PRIMARY KEY("workspace_id","period_start","threshold")
);
--> statement-breakpoint
CREATE TABLE "billing_subscriptions" (
	"workspace_id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"status" text DEFAULT 'none' NOT NULL,
	"stripe_customer_id" text,
	"stripe_subscription_id" text,
	"current_period_start" timestamp with time zone,
	"current_period_end" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"past_due_since" timestamp with time zone,
	"payment_failed_at" timestamp with time zone,
	"stripe_event_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"type" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_daily" (
	"workspace_id" text NOT NULL,
	"day" text NOT NULL,
	"channel" text NOT NULL,
	"calls" integer DEFAULT 0 NOT NULL,
	"billable_calls" integer DEFAULT 0 NOT NULL,
	"seconds" integer DEFAULT 0 NOT NULL,
	"carrier_minutes" numeric(12, 2) DEFAULT 0 NOT NULL,
	"carrier_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"stt_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"llm_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"tts_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"realtime_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"infra_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"total_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_daily_workspace_id_day_channel_pk" PRIMARY KEY("workspace_id","day","channel")
);
--> statement-breakpoint
CREATE TABLE "usage_meter_reports" (
	"workspace_id" text NOT NULL,
	"period_start" timestamp with time zone NOT NULL,
	"reported_calls" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_meter_reports_workspace_id_period_start_pk" PRIMARY KEY("workspace_id","period_start")
);
--> statement-breakpoint
CREATE TABLE "usage_records" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"call_id" text NOT NULL,
	"channel" text NOT NULL,
	"test" boolean DEFAULT false NOT NULL,
	"day" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_sec" integer DEFAULT 0 NOT NULL,
	"carrier_minutes" numeric(12, 2) DEFAULT 0 NOT NULL,
	"carrier_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"stt_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"llm_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"tts_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"realtime_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"infra_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"total_cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "billing_alerts" ADD CONSTRAINT "billing_alerts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "billing_subscriptions" ADD CONSTRAINT "billing_subscriptions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stripe_events" ADD CONSTRAINT "stripe_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_daily" ADD CONSTRAINT "usage_daily_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_meter_reports" ADD CONSTRAINT "usage_meter_reports_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_records" ADD CONSTRAINT "usage_records_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "billing_subscriptions_customer" ON "billing_subscriptions" USING btree ("stripe_customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_subscriptions_stripe_sub" ON "billing_subscriptions" USING btree ("stripe_subscription_id");--> statement-breakpoint
CREATE UNIQUE INDEX "usage_records_call" ON "usage_records" USING btree ("call_id");--> statement-breakpoint
CREATE INDEX "usage_records_ws_started" ON "usage_records" USING btree ("workspace_id","started_at");--> statement-breakpoint
CREATE INDEX "usage_records_created" ON "usage_records" USING btree ("created_at");
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON billing_subscriptions, stripe_events, usage_records, usage_daily, billing_alerts, usage_meter_reports TO orbis_app;
--> statement-breakpoint
ALTER TABLE billing_subscriptions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE stripe_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE usage_records ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE usage_daily ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE billing_alerts ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE usage_meter_reports ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON billing_subscriptions TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON stripe_events TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON usage_records TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON usage_daily TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON billing_alerts TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON usage_meter_reports TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
