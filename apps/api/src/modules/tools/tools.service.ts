import { randomBytes } from "node:crypto";
import { AppError, createId, httpToolConfigSchema, notFound, type HttpToolConfig, type ToolDto, type UpdateToolBody } from "@orbis/contracts";
import { systemWallClock as systemClock, type WallClock as Clock } from "@orbis/ports";
import { builtinTools, compileHttpTool, runTool, type AnyTool, type HttpToolOptions, type ToolContext } from "@orbis/brain";
import { createToolSecretsCipher, toolSecretHints, type ToolSecretsCipher } from "@orbis/credentials";
import type { AgentToolRow, TenantScope } from "@orbis/db";
import type { ToolCallRecordDto } from "@orbis/contracts";
import type { z } from "zod";
import { getAgentOrThrow } from "../agents/agents.service.ts";
import { businessCalendar, businessOfAgent, compileStoredTool, DbMessageSink, toolConfigOf, type ExternalBusySource } from "@orbis/agent-runtime";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import type { FeatureGate } from "../features/features.service.ts";

const newSecret = () => `tsec_${randomBytes(24).toString("base64url")}`;

/** A tool as shown to every role: hints of its secret and header values, never the values (nothing is decrypted). */
const toToolDto = (row: AgentToolRow): ToolDto => {
  const { headers: _sealed, ...config } = toolConfigOf(row);
  return {
    ...config,
    id: row.id,
    agentId: row.agentId,
    ...toolSecretHints(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
};

/** The stored headers after a merge patch (a value sets and seals a header, `null` removes it); legacy plaintext is sealed. */
function mergedHeaders(secrets: ToolSecretsCipher, row: AgentToolRow, patch: UpdateToolBody["headers"]): Record<string, string> {
  const headers = secrets.resealStored(row, row).headers;
  for (const [name, value] of Object.entries(patch ?? {})) {
    // Header names are case-insensitive: a new spelling replaces the old one.
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    if (value !== null) headers[name] = secrets.sealHeader(row, name, value);
  }
  return headers;
}

/** What the audit log keeps of a tool: its name and where it calls, never its headers or secret. */
const auditedTool = (row: AgentToolRow) => ({ agentId: row.agentId, name: row.name, method: row.method, url: row.url });

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
  /** ENCRYPTION_KEY: seals the tools' signing secrets and header values at rest. */
  encryptionKey?: Buffer;
  /** The plan's features (`custom_tools`); without it, creating tools is not gated. */
  features?: FeatureGate;
  /** Connected Google / Microsoft calendars: their busy times block the slots a tool run sees, as on a call (docs/calendars.md). */
  externalCalendars?: ExternalBusySource;
}

export function createToolsService(options: ToolsServiceOptions = {}) {
  const builtins = new Map(builtinTools().map((t) => [t.name, t]));
  const secrets = createToolSecretsCipher(options.encryptionKey);

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
      // Only creating is gated: tools made on a richer plan keep running, and can be edited or deleted.
      await options.features?.assertEnabled(tenant, "custom_tools");
      assertRunnable(tenant.workspaceId, config, options.http);
      const secret = newSecret();
      const ref = { id: createId("tool"), workspaceId: tenant.workspaceId };
      const sealed = { secret: secrets.sealSecret(ref, secret), headers: secrets.sealHeaders(ref, config.headers) };
      const row = await tenant.transaction(async (t) => {
        const created = await t.agentTools.insert({ id: ref.id, agentId, ...config, ...sealed });
        await t.audit.record({ ...auditedBy(actor), action: "tool.created", targetType: "tool", targetId: created.id, metadata: auditedTool(created) });
        return created;
      });
      return { ...toToolDto(row), secret };
    },

    async update(tenant: TenantScope, actor: Actor, agentId: string, toolId: string, patch: UpdateToolBody) {
      const current = await getToolOrThrow(tenant, agentId, toolId);
      const { headers: headerPatch, ...configPatch } = patch;
      // Checked without the headers: stored ones are sealed, new ones were checked with the body.
      const next = httpToolConfigSchema.parse({ ...toolConfigOf(current), ...configPatch, headers: {} });
      if (patch.args || patch.url) assertRunnable(tenant.workspaceId, next, options.http);
      const stored = { ...secrets.resealStored(current, current), headers: mergedHeaders(secrets, current, headerPatch) };
      const row = await tenant.transaction(async (t) => {
        const updated = await t.agentTools.update(agentId, toolId, { ...next, ...stored });
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

    /** A new signing secret, in this answer only; the old one stops verifying at once. */
    async rotateSecret(tenant: TenantScope, actor: Actor, agentId: string, toolId: string) {
      const current = await getToolOrThrow(tenant, agentId, toolId);
      const secret = newSecret();
      const stored = { ...secrets.resealStored(current, current), secret: secrets.sealSecret(current, secret) };
      const row = await tenant.transaction(async (t) => {
        const updated = await t.agentTools.update(agentId, toolId, stored);
        if (!updated) throw notFound("Tool");
        await t.audit.record({ ...auditedBy(actor), action: "tool.secret_rotated", targetType: "tool", targetId: toolId, metadata: auditedTool(updated) });
        return updated;
      });
      return { ...toToolDto(row), secret };
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
      let httpTool: ReturnType<typeof compileHttpTool> | undefined;
      const builtin = builtins.get(toolIdOrName);
      if (builtin) {
        tool = builtin;
      } else {
        const row = await getToolOrThrow(tenant, agentId, toolIdOrName);
        if (!row.enabled) throw new AppError("conflict", "This tool is disabled");
        tool = httpTool = compileStoredTool(row, options.http, secrets);
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
        calendar: businessCalendar(tenant, business, { clock, external: options.externalCalendars }),
        messages: new DbMessageSink(tenant),
        clock,
      };
      return runTool(tool, valid, ctx);
    },
  };
}
export type ToolsService = ReturnType<typeof createToolsService>;
