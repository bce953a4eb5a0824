CREATE TABLE "agent_test_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"version" integer,
	"config_hash" text NOT NULL,
	"status" text NOT NULL,
	"passed" integer NOT NULL,
	"failed" integer NOT NULL,
	"results" jsonb NOT NULL,
	"trigger" text DEFAULT 'manual' NOT NULL,
	"created_by" text,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_test_scenarios" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"agent_id" text NOT NULL,
	"name" text NOT NULL,
	"turns" jsonb NOT NULL,
	"expectations" jsonb NOT NULL,
	"source" text DEFAULT 'user' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_test_runs" ADD CONSTRAINT "agent_test_runs_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_test_runs" ADD CONSTRAINT "agent_test_runs_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_test_scenarios" ADD CONSTRAINT "agent_test_scenarios_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agent_test_scenarios" ADD CONSTRAINT "agent_test_scenarios_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "agent_test_runs_agent" ON "agent_test_runs" USING btree ("agent_id","started_at");--> statement-breakpoint
CREATE INDEX "agent_test_scenarios_agent" ON "agent_test_scenarios" USING btree ("agent_id","created_at");--> statement-breakpoint
-- Row-level security (as 0001_rls.sql): both tables carry their workspace and get the tenant policy.
GRANT SELECT, INSERT, UPDATE, DELETE ON agent_test_scenarios, agent_test_runs TO orbis_app;
--> statement-breakpoint
ALTER TABLE agent_test_scenarios ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE agent_test_runs ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON agent_test_scenarios TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON agent_test_runs TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
