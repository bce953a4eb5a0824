import { apiKeyKindOf, sha256, type TokenService } from "@orbis/auth";
import { idSchema, type AgentConfig } from "@orbis/contracts";
import { agentConfigOf, systemRepository, tenantScope, type Database, type TenantScope } from "@orbis/db";

interface StreamGrant {
  tenant: TenantScope;
  agentId: string;
  agent: AgentConfig;
  keyId?: string;
}

export type StreamAuthResult = { ok: true; grant: StreamGrant } | { ok: false; message: string };

const agentIdSchema = idSchema("agent");

/**
 * Who may open /v1/stream: a signed voice-session token (from POST /v1/voice/sessions), or the seed's
 * simple form `?agentId&apiKey=pk_…` with an Origin the key allows. The gateway trusts only these,
 * never ids sent later in messages.
 */
export async function authenticateStream(
  deps: { db: Database; tokens: TokenService },
  query: Record<string, string | undefined>,
  origin: string | undefined,
): Promise<StreamAuthResult> {
  let workspaceId: string;
  let agentId: string;
  let keyId: string | undefined;
  if (query.token) {
    const claims = await deps.tokens.verifyVoiceToken(query.token);
    if (!claims) return { ok: false, message: "invalid or expired session token" };
    ({ workspaceId, agentId, keyId } = claims);
  } else if (query.agentId && query.apiKey) {
    if (apiKeyKindOf(query.apiKey) !== "publishable" || !agentIdSchema.safeParse(query.agentId).success) {
      return { ok: false, message: "agentId and a publishable key (pk_…) are required" };
    }
    const key = await systemRepository(deps.db.system).findActiveApiKeyByHash(sha256(query.apiKey));
    if (!key || key.kind !== "publishable") return { ok: false, message: "invalid or revoked key" };
    if (!origin || !key.allowedOrigins.includes(origin)) return { ok: false, message: `origin ${origin ?? "(none)"} is not allowed for this key` };
    workspaceId = key.workspaceId;
    agentId = query.agentId;
    keyId = key.id;
  } else {
    return { ok: false, message: "a token, or agentId and apiKey, are required" };
  }
  const tenant = tenantScope(deps.db, workspaceId);
  const row = await tenant.agents.get(agentId);
  if (!row) return { ok: false, message: "agent not found" };
  const agent = agentConfigOf(row);
  return { ok: true, grant: { tenant, agentId, agent, ...(keyId ? { keyId } : {}) } };
}
