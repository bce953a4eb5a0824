import { apiKeyKindOf, sha256, type TokenService } from "@orbis/auth";
import type { Cache } from "@orbis/cache";
import { idSchema, type AgentConfig } from "@orbis/contracts";
import { loadAgentConfigForCall, refusalOf, type AgentConfigMode } from "@orbis/agent-runtime";
import { systemRepository, tenantScope, type Database, type TenantScope } from "@orbis/db";
import { admitPractice, type PracticeGrant } from "./practice/practice-grant.ts";

/** A voice token, by its id: admits one call (`consumeVoiceToken`). */
interface VoiceTokenUse {
  id: string;
  expiresAt: Date;
}

interface StreamGrant {
  tenant: TenantScope;
  agentId: string;
  agent: AgentConfig;
  keyId?: string;
  /** Present when the socket came with a voice token. */
  voiceToken?: VoiceTokenUse;
  /** A dashboard test call: the token asked for the agent's draft ("Try this agent"). */
  test?: boolean;
  /** A sales practice session: the prospect plays instead of the agent, and no call is recorded (`agentId` is the session's id). */
  practice?: PracticeGrant;
}

const usedTokenKey = (id: string) => `voice-token:used:${id}`;

/**
 * One call per voice token: marks the token used in the shared cache, atomically across gateways, when
 * its call starts; false when it already was. Remembered until the token would have expired anyway.
 */
export async function consumeVoiceToken(cache: Cache, token: VoiceTokenUse): Promise<boolean> {
  const ttlSec = Math.max(1, Math.ceil((token.expiresAt.getTime() - Date.now()) / 1000) + 60);
  return cache.setIfAbsent(usedTokenKey(token.id), "1", ttlSec);
}

export type StreamAuthResult = { ok: true; grant: StreamGrant } | { ok: false; message: string };

const agentIdSchema = idSchema("agent");

/**
 * Who may open /v1/stream: a signed voice-session token (from POST /v1/voice/sessions) not yet used
 * for a call, or the seed's simple form `?agentId&apiKey=pk_…` with an Origin the key allows. The
 * gateway trusts only these, never ids sent later in messages.
 */
export async function authenticateStream(
  deps: { db: Database; tokens: TokenService; cache: Cache },
  query: Record<string, string | undefined>,
  origin: string | undefined,
): Promise<StreamAuthResult> {
  let workspaceId: string;
  let agentId: string;
  let keyId: string | undefined;
  let voiceToken: VoiceTokenUse | undefined;
  // A widget key always runs the published version; only a token minted for the dashboard asks for the draft.
  let mode: AgentConfigMode = "published";
  if (query.token) {
    const claims = await deps.tokens.verifyVoiceToken(query.token);
    if (!claims) return { ok: false, message: "invalid or expired session token" };
    ({ workspaceId, agentId, keyId } = claims);
    mode = claims.mode ?? "published";
    // Tokens issued before they carried a jti are told apart by their hash.
    voiceToken = { id: claims.jti ?? sha256(query.token), expiresAt: claims.expiresAt };
    if ((await deps.cache.get(usedTokenKey(voiceToken.id))) !== null) return { ok: false, message: "this session token was already used for a call" };
    if (claims.practiceSessionId) {
      const tenant = tenantScope(deps.db, workspaceId);
      const admitted = await admitPractice(tenant, { ...claims, practiceSessionId: claims.practiceSessionId });
      if (!admitted.ok) return admitted;
      return { ok: true, grant: { tenant, agentId: admitted.practice.sessionId, agent: admitted.agent, voiceToken, practice: admitted.practice } };
    }
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
  const loaded = await loadAgentConfigForCall(tenant, agentId, mode);
  if (!loaded.ok) return { ok: false, message: refusalOf(loaded.reason) };
  const agent = loaded.config;
  return {
    ok: true,
    grant: { tenant, agentId, agent, ...(keyId ? { keyId } : {}), ...(voiceToken ? { voiceToken } : {}), ...(mode === "draft" ? { test: true } : {}) },
  };
}
