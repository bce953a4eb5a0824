-- No double booking: booked intervals [start_at, busy_end_at) of one resource never overlap.
-- The resource is the staff member, or the business itself when staff_id is null ('' below).
-- Concurrent inserts of one slot: one commits, the others fail with 23P01 (mapped to 409 conflict).
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE appointments ADD CONSTRAINT appointments_interval_valid CHECK (start_at < end_at AND end_at <= busy_end_at);
--> statement-breakpoint
ALTER TABLE appointments ADD CONSTRAINT appointments_no_double_booking
  EXCLUDE USING gist (workspace_id WITH =, (coalesce(staff_id, '')) WITH =, tstzrange(start_at, busy_end_at) WITH &&)
  WHERE (status = 'booked');
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON appointments, messages, agent_tools, calendar_feeds TO orbis_app;
--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['appointments','messages','agent_tools','calendar_feeds'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_isolation ON %I TO orbis_app USING (workspace_id = app_workspace_id()) WITH CHECK (workspace_id = app_workspace_id())', t);
  END LOOP;
END $$;
