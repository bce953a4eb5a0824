import type { HttpToolConfig } from "@orbis/contracts";
import { compileHttpTool, type AnyTool, type HttpToolOptions } from "@orbis/brain";
import type { AgentToolRow } from "@orbis/db";

/** A tool row's config as the tool compiler and the API's DTO take it. */
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

/** A stored tool in the common tool shape; it carries its workspace, so runTool refuses it elsewhere. */
export function compileStoredTool(row: AgentToolRow, opts?: HttpToolOptions): AnyTool {
  return compileHttpTool({ id: row.id, workspaceId: row.workspaceId, secret: row.secret, config: toolConfigOf(row) }, opts);
}
