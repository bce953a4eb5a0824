import { randomBytes } from "node:crypto";
import { AppError, createId, httpToolConfigSchema, notFound, type HttpToolConfig, type ToolDto } from "@orbis/contracts";
import { builtinTools, compileArgsSchema, compileHttpTool, runTool, systemClock, type AnyTool, type Clock, type HttpToolOptions, type ToolContext } from "@orbis/brain";
import type { AgentToolRow, TenantScope } from "@orbis/db";
import type { ToolCallRecordDto } from "@orbis/contracts";
import type { z } from "zod";
import { getAgentOrThrow } from "../agents/agents.service.ts";
import { DbCalendar } from "../appointments/db-calendar.ts";
import { businessOfAgent } from "../business/business.service.ts";
import { DbMessageSink } from "../messages/db-message-sink.ts";

const newSecret = () => `tsec_${randomBytes(24).toString("base64url")}`;
const hintOf = (secret: string) => `${secret.slice(0, 9)}…${secret.slice(-4)}`;

export function toolConfigOf(row: AgentToolRow): HttpToolConfig {
  return {
    name: row.name,
    description: row.description,
    args: row.args as HttpToolConfig["args"],
    url: row.url,
    method: row.method,
    headers: row.headers as Record<string, string>,
    timeoutMs: row.timeoutMs,
    maxRetries: row.maxRetries,
    enabled: row.enabled,
  };
}

export const toToolDto = (row: AgentToolRow): ToolDto => ({
  ...toolConfigOf(row),
  id: row.id,
  agentId: row.agentId,
  secretHint: hintOf(row.secret),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

/** A stored tool in the common tool shape; it carries its workspace, so runTool refuses it elsewhere. */
export function compileStoredTool(row: AgentToolRow, opts?: HttpToolOptions): AnyTool {
  return compileHttpTool({ id: row.id, workspaceId: row.workspaceId, secret: row.secret, config: toolConfigOf(row) }, opts);
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
    async create(tenant: TenantScope, agentId: string, config: HttpToolConfig) {
      await getAgentOrThrow(tenant, agentId);
      compileArgsSchema(config.args);
      const secret = newSecret();
      const row = await tenant.agentTools.insert({ id: createId("tool"), agentId, ...config, secret });
      return { ...toToolDto(row), secret };
    },

    async update(tenant: TenantScope, agentId: string, toolId: string, patch: Partial<HttpToolConfig>) {
      const current = await getToolOrThrow(tenant, agentId, toolId);
      const next = httpToolConfigSchema.parse({ ...toolConfigOf(current), ...patch });
      if (patch.args) compileArgsSchema(next.args);
      const row = await tenant.agentTools.update(agentId, toolId, next);
      if (!row) throw notFound("Tool");
      return toToolDto(row);
    },

    async remove(tenant: TenantScope, agentId: string, toolId: string) {
      if (!(await tenant.agentTools.delete(agentId, toolId))) throw notFound("Tool");
    },

    /** Runs a built-in (by name) or one of the agent's HTTP tools (by id) with validated args. */
    async invoke(tenant: TenantScope, agentId: string, toolIdOrName: string, args: unknown): Promise<ToolCallRecordDto> {
      const agent = await getAgentOrThrow(tenant, agentId);
      let tool: AnyTool;
      const builtin = builtins.get(toolIdOrName);
      if (builtin) {
        tool = builtin;
      } else {
        const row = await getToolOrThrow(tenant, agentId, toolIdOrName);
        if (!row.enabled) throw new AppError("conflict", "This tool is disabled");
        tool = compileStoredTool(row, options.http);
      }
      const valid = parseArgsOrThrow(tool, args);
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
