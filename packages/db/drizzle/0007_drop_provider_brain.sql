-- agents.providers.brain was stored and shown but never read: the brain is the receptionist unless the
-- agent lists LLM providers (providers.llm). Removed from stored agents and published versions.
UPDATE "agents" SET "providers" = "providers" - 'brain' WHERE "providers" ? 'brain';--> statement-breakpoint
UPDATE "agent_versions" SET "config" = jsonb_set("config", '{providers}', ("config" -> 'providers') - 'brain') WHERE jsonb_typeof("config" -> 'providers') = 'object' AND ("config" -> 'providers') ? 'brain';
