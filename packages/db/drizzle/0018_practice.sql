CREATE TABLE "feature_flags" (
	"workspace_id" text NOT NULL,
	"flag" text NOT NULL,
	"enabled" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feature_flags_workspace_id_flag_pk" PRIMARY KEY("workspace_id","flag")
);
--> statement-breakpoint
CREATE TABLE "practice_activities" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"user_id" text NOT NULL,
	"kind" text NOT NULL,
	"amount_usd" numeric(14, 2),
	"note" text DEFAULT '' NOT NULL,
	"source" text NOT NULL,
	"practice_session_id" text,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practice_goals" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"user_id" text,
	"metric" text NOT NULL,
	"target" numeric(14, 2) NOT NULL,
	"period" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practice_personas" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"definition" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practice_scenarios" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"definition" jsonb NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practice_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"user_id" text NOT NULL,
	"persona_id" text NOT NULL,
	"scenario_id" text NOT NULL,
	"persona" jsonb NOT NULL,
	"scenario" jsonb NOT NULL,
	"status" text DEFAULT 'live' NOT NULL,
	"channel" text DEFAULT 'web' NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"duration_sec" integer,
	"end_reason" text,
	"usage" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"cost_usd" numeric(14, 8) DEFAULT 0 NOT NULL,
	"score" jsonb,
	"overall_score" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "practice_turns" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"session_id" text NOT NULL,
	"user_id" text NOT NULL,
	"seq" integer NOT NULL,
	"speaker" text NOT NULL,
	"text" text NOT NULL,
	"at_ms" integer NOT NULL,
	"speech_ms" integer NOT NULL,
	"interrupted" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "what_if_scenarios" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"user_id" text NOT NULL,
	"inputs" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "feature_flags" ADD CONSTRAINT "feature_flags_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_activities" ADD CONSTRAINT "practice_activities_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_activities" ADD CONSTRAINT "practice_activities_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_activities" ADD CONSTRAINT "practice_activities_practice_session_id_practice_sessions_id_fk" FOREIGN KEY ("practice_session_id") REFERENCES "public"."practice_sessions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_goals" ADD CONSTRAINT "practice_goals_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_goals" ADD CONSTRAINT "practice_goals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_goals" ADD CONSTRAINT "practice_goals_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_personas" ADD CONSTRAINT "practice_personas_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_personas" ADD CONSTRAINT "practice_personas_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_scenarios" ADD CONSTRAINT "practice_scenarios_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_scenarios" ADD CONSTRAINT "practice_scenarios_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_sessions" ADD CONSTRAINT "practice_sessions_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_sessions" ADD CONSTRAINT "practice_sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_turns" ADD CONSTRAINT "practice_turns_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "practice_turns" ADD CONSTRAINT "practice_turns_session_id_practice_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."practice_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "what_if_scenarios" ADD CONSTRAINT "what_if_scenarios_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "what_if_scenarios" ADD CONSTRAINT "what_if_scenarios_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "practice_activities_user" ON "practice_activities" USING btree ("workspace_id","user_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "practice_activities_session" ON "practice_activities" USING btree ("practice_session_id");--> statement-breakpoint
CREATE INDEX "practice_goals_user" ON "practice_goals" USING btree ("workspace_id","user_id");--> statement-breakpoint
CREATE INDEX "practice_sessions_user" ON "practice_sessions" USING btree ("workspace_id","user_id","started_at");--> statement-breakpoint
CREATE INDEX "practice_sessions_ws_started" ON "practice_sessions" USING btree ("workspace_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "practice_turns_session_seq" ON "practice_turns" USING btree ("session_id","seq");--> statement-breakpoint
CREATE INDEX "what_if_scenarios_user" ON "what_if_scenarios" USING btree ("workspace_id","user_id");--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_user_id() RETURNS text LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.user_id', true), '') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_is_manager() RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT coalesce(current_setting('app.member_role', true), '') IN ('owner', 'admin') $$;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON practice_personas, practice_scenarios, practice_sessions, practice_turns, practice_goals, practice_activities, what_if_scenarios, feature_flags TO orbis_app;
--> statement-breakpoint
ALTER TABLE practice_personas ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE practice_scenarios ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE practice_sessions ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE practice_turns ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE practice_goals ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE practice_activities ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE what_if_scenarios ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE feature_flags ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON practice_personas TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON practice_scenarios TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY tenant_isolation ON feature_flags TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id());
--> statement-breakpoint
CREATE POLICY rep_or_manager ON practice_sessions TO orbis_app USING (workspace_id = app_workspace_id() AND (user_id = app_user_id() OR app_is_manager())) WITH CHECK (workspace_id = app_workspace_id() AND (user_id = app_user_id() OR app_is_manager()));
--> statement-breakpoint
CREATE POLICY rep_or_manager ON practice_turns TO orbis_app USING (workspace_id = app_workspace_id() AND (user_id = app_user_id() OR app_is_manager())) WITH CHECK (workspace_id = app_workspace_id() AND (user_id = app_user_id() OR app_is_manager()));
--> statement-breakpoint
CREATE POLICY rep_or_manager ON practice_activities TO orbis_app USING (workspace_id = app_workspace_id() AND (user_id = app_user_id() OR app_is_manager())) WITH CHECK (workspace_id = app_workspace_id() AND (user_id = app_user_id() OR app_is_manager()));
--> statement-breakpoint
CREATE POLICY rep_or_manager ON what_if_scenarios TO orbis_app USING (workspace_id = app_workspace_id() AND (user_id = app_user_id() OR app_is_manager())) WITH CHECK (workspace_id = app_workspace_id() AND (user_id = app_user_id() OR app_is_manager()));
--> statement-breakpoint
CREATE POLICY team_rep_or_manager ON practice_goals TO orbis_app USING (workspace_id = app_workspace_id() AND (user_id IS NULL OR user_id = app_user_id() OR app_is_manager())) WITH CHECK (workspace_id = app_workspace_id() AND (user_id = app_user_id() OR app_is_manager()));
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_user_id() TO orbis_app;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_is_manager() TO orbis_app;
