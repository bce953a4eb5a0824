-- Telephony tables are tenant data: same grant and isolation policy as the rest (0001_rls.sql).
GRANT SELECT, INSERT, UPDATE, DELETE ON phone_numbers, workspace_credentials, call_events TO orbis_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['phone_numbers','workspace_credentials','call_events'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id())', t);
  END LOOP;
END $$;
