import { randomBytes } from "node:crypto";
import { AppError, createId, httpToolConfigSchema, notFound, type HttpToolConfig, type ToolDto } from "@orbis/contracts";
import { systemWallClock as systemClock, type WallClock as Clock } from "@orbis/ports";
import { builtinTools, compileHttpTool, runTool, type AnyTool, type HttpToolOptions, type ToolContext } from "@orbis/brain";
import type { AgentToolRow, TenantScope } from "@orbis/db";
import type { ToolCallRecordDto } from "@orbis/contracts";
import type { z } from "zod";
import { getAgentOrThrow } from "../agents/agents.service.ts";
import { businessOfAgent, DbCalendar, DbMessageSink, toolConfigOf } from "@orbis/agent-runtime";
import { auditedBy, type Actor } from "../../lib/actor.ts";

const newSecret = () => `tsec_${randomBytes(24).toString("base64url")}`;
const hintOf = (secret: string) => `${secret.slice(0, 9)}…${secret.slice(-4)}`;

const toToolDto = (row: AgentToolRow): ToolDto => ({
  ...toolConfigOf(row),
  id: row.id,
  agentId: row.agentId,
  secretHint: hintOf(row.secret),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** What the audit log keeps of a tool: its name and where it calls, never its headers or secret. */
const auditedTool = (row: AgentToolRow) => ({ agentId: row.agentId, name: row.name, method: row.method, url: row.url });

/** A stored tool in the common tool shape; it carries its workspace, so runTool refuses it elsewhere. */
function compileStoredTool(row: AgentToolRow, opts?: HttpToolOptions): ReturnType<typeof compileHttpTool> {
  return compileHttpTool({ id: row.id, workspaceId: row.workspaceId, secret: row.secret, config: toolConfigOf(row) }, opts);
}

/**
 * What can never run is refused when saved (a 422): an unsupported argument schema, or a URL the
 * outbound guard refuses without DNS (scheme, credentials, a private IP literal). Host names are
 * checked on every call, since what they resolve to can change.
 */
function assertRunnable(workspaceId: string, config: HttpToolConfig, opts?: HttpToolOptions): void {
  compileHttpTool({ workspaceId, secret: "", config }, opts);
}

/** The tool's argument validator: a 422 with the path of each bad field, like any request body. */
function parseArgsOrThrow(tool: AnyTool, args: unknown): unknown {
  const parsed = (tool.args as z.ZodType).safeParse(args);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((i) => ({ path: ["body", "args", ...i.path.map(String)].join("."), message: i.message }));
  throw new AppError("validation_failed", `${details[0]!.path}: ${details[0]!.message}`, details);
}

export interface ToolsServiceOptions {
  http?: HttpToolOptions;
  clock?: Clock;
}

export function createToolsService(options: ToolsServiceOptions = {}) {
  const builtins = new Map(builtinTools().map((t) => [t.name, t]));

  async function getToolOrThrow(tenant: TenantScope, agentId: string, toolId: string) {
    const row = await tenant.agentTools.get(agentId, toolId);
    if (!row) throw notFound("Tool");
    return row;
  }

  return {
    async list(tenant: TenantScope, agentId: string) {
      await getAgentOrThrow(tenant, agentId);
      return (await tenant.agentTools.list(agentId)).map(toToolDto);
    },

    get: async (tenant: TenantScope, agentId: string, toolId: string) => toToolDto(await getToolOrThrow(tenant, agentId, toolId)),

    /** The signing secret is in this answer only; the receiver keeps it to verify X-Orbis-Signature. */
    async create(tenant: TenantScope, actor: Actor, agentId: string, config: HttpToolConfig) {
      await getAgentOrThrow(tenant, agentId);
      assertRunnable(tenant.workspaceId, config, options.http);
      const secret = newSecret();
      const row = await tenant.transaction(async (t) => {
        const created = await t.agentTools.insert({ id: createId("tool"), agentId, ...config, secret });
        await t.audit.record({ ...auditedBy(actor), action: "tool.created", targetType: "tool", targetId: created.id, metadata: auditedTool(created) });
        return created;
      });
      return { ...toToolDto(row), secret };
    },

    async update(tenant: TenantScope, actor: Actor, agentId: string, toolId: string, patch: Partial<HttpToolConfig>) {
      const current = await getToolOrThrow(tenant, agentId, toolId);
      const next = httpToolConfigSchema.parse({ ...toolConfigOf(current), ...patch });
      if (patch.args || patch.url) assertRunnable(tenant.workspaceId, next, options.http);
      const row = await tenant.transaction(async (t) => {
        const updated = await t.agentTools.update(agentId, toolId, next);
        if (!updated) throw notFound("Tool");
        // Which fields changed, never their values: headers may hold the tenant's own API keys.
        await t.audit.record({
          ...auditedBy(actor),
          action: "tool.updated",
          targetType: "tool",
          targetId: toolId,
          metadata: { ...auditedTool(updated), changed: Object.keys(patch) },
        });
        return updated;
      });
      return toToolDto(row);
    },

    async remove(tenant: TenantScope, actor: Actor, agentId: string, toolId: string) {
      await tenant.transaction(async (t) => {
        const current = await t.agentTools.get(agentId, toolId);
        if (!current || !(await t.agentTools.delete(agentId, toolId))) throw notFound("Tool");
        await t.audit.record({ ...auditedBy(actor), action: "tool.deleted", targetType: "tool", targetId: toolId, metadata: auditedTool(current) });
      });
    },

    /**
     * Runs a built-in (by name) or one of the agent's HTTP tools (by id) with validated args. An HTTP
     * tool whose host resolves to a refused address is a 422 before anything is sent.
     */
    async invoke(tenant: TenantScope, agentId: string, toolIdOrName: string, args: unknown): Promise<ToolCallRecordDto> {
      const agent = await getAgentOrThrow(tenant, agentId);
      let tool: AnyTool;
      let httpTool: ReturnType<typeof compileStoredTool> | undefined;
      const builtin = builtins.get(toolIdOrName);
      if (builtin) {
        tool = builtin;
      } else {
        const row = await getToolOrThrow(tenant, agentId, toolIdOrName);
        if (!row.enabled) throw new AppError("conflict", "This tool is disabled");
        tool = httpTool = compileStoredTool(row, options.http);
      }
      const valid = parseArgsOrThrow(tool, args);
      await httpTool?.assertTargetAllowed();
      const { business } = await businessOfAgent(tenant, agent);
      const clock = options.clock ?? systemClock;
      const ctx: ToolContext = {
        workspaceId: tenant.workspaceId,
        agentId,
        callId: null,
        business,
        calendar: new DbCalendar(tenant, tenant.workspaceId, { timezone: business.timezone, clock }),
        messages: new DbMessageSink(tenant),
        clock,
      };
      return runTool(tool, valid, ctx);
    },
  };
}
export type ToolsService = ReturnType<typeof createToolsService>;
