import { agentConfigSchema, type AgentConfig } from "@orbis/contracts";
import { agentConfigOf, type TenantScope } from "@orbis/db";

/** Which config a call or conversation runs: the agent's latest published version, or its draft (the dashboard trying it). */
export type AgentConfigMode = "draft" | "published";

export type LoadedAgentConfig =
  | { ok: true; config: AgentConfig; /** The published version run; null for the draft. */ version: number | null }
  | { ok: false; reason: "not_found" | "not_published" };

/**
 * The config one call (widget, phone) or chat conversation is built from. Callers hear what was
 * published: `published` reads the agent's `published_version` snapshot, and an agent never published
 * (or whose snapshot no longer parses) cannot take such calls. `draft` is the live agent row, for the
 * dashboard's "Try this agent" and its chat.
 */
export async function loadAgentConfigForCall(tenant: TenantScope, agentId: string, mode: AgentConfigMode): Promise<LoadedAgentConfig> {
  const row = await tenant.agents.get(agentId);
  if (!row) return { ok: false, reason: "not_found" };
  if (mode === "draft") return { ok: true, config: agentConfigOf(row), version: null };
  if (row.publishedVersion === null) return { ok: false, reason: "not_published" };
  const version = await tenant.agents.getVersion(agentId, row.publishedVersion);
  const parsed = agentConfigSchema.safeParse(version?.config);
  if (!parsed.success) return { ok: false, reason: "not_published" };
  return { ok: true, config: parsed.data, version: row.publishedVersion };
}

/** What a caller is told when the agent cannot be loaded (the stream's close message). */
export const refusalOf = (reason: "not_found" | "not_published"): string =>
  reason === "not_found" ? "agent not found" : "agent not published: publish it before it takes calls";
