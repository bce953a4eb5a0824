-- Row-level security: the backstop behind workspace-scoped repositories.
-- Tenant work runs under the non-superuser role orbis_app with app.workspace_id set per transaction;
-- system work (login, key lookup, reaper) runs as the connecting role, which owns the tables.
DO $$
BEGIN
  CREATE ROLE orbis_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('GRANT orbis_app TO %I', current_user);
EXCEPTION WHEN OTHERS THEN NULL;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO orbis_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO orbis_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO orbis_app;
--> statement-breakpoint
CREATE FUNCTION app_workspace_id() RETURNS text LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting('app.workspace_id', true), '') $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app_workspace_id() TO orbis_app;
--> statement-breakpoint
ALTER TABLE workspaces ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON workspaces TO orbis_app USING (id = app_workspace_id()) WITH CHECK (id = app_workspace_id());
--> statement-breakpoint
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY member_visibility ON users TO orbis_app
  USING (EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id AND m.workspace_id = app_workspace_id()));
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['memberships','invitations','api_keys','agents','agent_versions','calls','call_turns','audit_logs'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id())', t);
  END LOOP;
END $$;
