import type { AgentConfig } from "@orbis/contracts";
import { systemWallClock as systemClock, type WallClock as Clock } from "@orbis/ports";
import { createReceptionistBrain, type AgentBrainSetup, type AnyTool, type HttpToolOptions } from "@orbis/brain";
import { createToolSecretsCipher, type ToolSecretsCipher } from "@orbis/credentials";
import { tenantScope, type AgentToolRow, type Database } from "@orbis/db";
import type { Brain } from "@orbis/voice";
import { effectiveBusiness } from "./business.ts";
import { businessCalendar, type ExternalBusySource } from "./db-calendar.ts";
import { DbMessageSink } from "./db-message-sink.ts";
import { compileStoredTool } from "./stored-tools.ts";

/** Builds the brain of one agent for one call (voice gateway) or one chat conversation. */
export type BrainFactory = (workspaceId: string, agentId: string, agent: AgentConfig) => Promise<Brain>;

export interface BrainFactoryOptions {
  clock?: Clock;
  http?: HttpToolOptions;
  /** ENCRYPTION_KEY: opens the HTTP tools' signing secrets and headers (a tool that does not open is left out). */
  encryptionKey?: Buffer;
  /** Connected Google / Microsoft calendars whose busy times block availability (docs/calendars.md). */
  externalCalendars?: ExternalBusySource;
  /** Brains kept for reuse (their phrase spec is the expensive part); least recently built go first. */
  cacheSize?: number;
}

function compileTools(rows: AgentToolRow[], http: HttpToolOptions | undefined, secrets: ToolSecretsCipher): AnyTool[] {
  const out: AnyTool[] = [];
  for (const row of rows) {
    if (!row.enabled) continue;
    try {
      out.push(compileStoredTool(row, http, secrets));
    } catch {
      // A schema stored before a validator change, or secrets that no longer decrypt (ENCRYPTION_KEY
      // changed), must not take the whole agent down; the tool is left out.
    }
  }
  return out;
}

/**
 * What any brain of an agent is built from (business, calendar and messages in the database, clock,
 * greeting, prompt, enabled HTTP tools): the LLM brain and the realtime pipeline of the gateway take
 * it with the call's model, the receptionist below with none.
 */
export type AgentSetupFactory = (workspaceId: string, agentId: string, agent: AgentConfig) => Promise<AgentBrainSetup>;

export function createAgentSetupFactory(
  db: Database,
  options: Pick<BrainFactoryOptions, "clock" | "http" | "encryptionKey" | "externalCalendars"> = {},
): AgentSetupFactory {
  const clock = options.clock ?? systemClock;
  const secrets = createToolSecretsCipher(options.encryptionKey);
  return async (workspaceId, agentId, agent) => {
    const tenant = tenantScope(db, workspaceId);
    const [workspace, toolRows] = await tenant.transaction(async (t) => [await t.workspace.get(), await t.agentTools.list(agentId)] as const);
    const { business } = effectiveBusiness(agent.business, workspace ?? { name: agent.name, timezone: "UTC" });
    return {
      business,
      calendar: businessCalendar(tenant, business, { clock, external: options.externalCalendars }),
      messages: new DbMessageSink(tenant),
      clock,
      agentPrompt: agent.systemPrompt,
      ...(agent.greeting ? { greeting: agent.greeting } : {}),
      extraTools: compileTools(toolRows, options.http, secrets),
    };
  };
}

/**
 * The receptionist brain wired to the workspace's calendar and messages in the database. The
 * business comes from `agent.business` (businessConfigSchema); when it is empty or invalid the agent
 * runs on the generic template under the workspace's name. The agent's enabled HTTP tools are in its
 * toolbox. A brain is reused while the business, greeting and tools are unchanged.
 */
export function createBrainFactory(db: Database, options: BrainFactoryOptions = {}): BrainFactory {
  const clock = options.clock ?? systemClock;
  const secrets = createToolSecretsCipher(options.encryptionKey);
  const cacheSize = options.cacheSize ?? 500;
  const cache = new Map<string, { fingerprint: string; brain: Brain }>();

  return async (workspaceId, agentId, agent) => {
    const tenant = tenantScope(db, workspaceId);
    const [workspace, toolRows] = await tenant.transaction(async (t) => [await t.workspace.get(), await t.agentTools.list(agentId)] as const);
    const { business } = effectiveBusiness(agent.business, workspace ?? { name: agent.name, timezone: "UTC" });
    const fingerprint = JSON.stringify([business, agent.greeting, toolRows.map((r) => [r.id, r.updatedAt.getTime(), r.enabled])]);
    const key = `${workspaceId}:${agentId}`;
    const cached = cache.get(key);
    if (cached?.fingerprint === fingerprint) return cached.brain;

    const brain = createReceptionistBrain({
      business,
      calendar: businessCalendar(tenant, business, { clock, external: options.externalCalendars }),
      messages: new DbMessageSink(tenant),
      clock,
      ...(agent.greeting ? { greeting: agent.greeting } : {}),
      extraTools: compileTools(toolRows, options.http, secrets),
    });
    cache.delete(key);
    cache.set(key, { fingerprint, brain });
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    return brain;
  };
}
