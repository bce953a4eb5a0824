import type { HttpToolConfig } from "@orbis/contracts";
import { compileHttpTool, type HttpToolOptions } from "@orbis/brain";
import type { ToolSecretsCipher } from "@orbis/credentials";
import type { AgentToolRow } from "@orbis/db";

/** A tool row's config as the tool compiler takes it, headers as stored (sealed: `enc:v1:…`). */
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

/**
 * A stored tool in the common tool shape; it carries its workspace, so runTool refuses it elsewhere.
 * With `secrets` its signing secret and headers are decrypted here, where it runs (a value that does
 * not decrypt throws); without, they stay sealed (enough to check its URL and arguments).
 */
export function compileStoredTool(row: AgentToolRow, opts?: HttpToolOptions, secrets?: ToolSecretsCipher): ReturnType<typeof compileHttpTool> {
  const config = toolConfigOf(row);
  if (!secrets) return compileHttpTool({ id: row.id, workspaceId: row.workspaceId, secret: row.secret, config }, opts);
  const open = secrets.open(row, row);
  return compileHttpTool({ id: row.id, workspaceId: row.workspaceId, secret: open.secret, config: { ...config, headers: open.headers } }, opts);
}
