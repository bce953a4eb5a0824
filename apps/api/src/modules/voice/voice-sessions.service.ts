import type { TokenService } from "@orbis/auth";
import type { AgentConfigMode } from "@orbis/agent-runtime";
import { AppError } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import type { Principal } from "../../plugins/principal.ts";
import { getAgentOrThrow } from "../agents/agents.service.ts";

const VOICE_TOKEN_TTL_SEC = 300;

export interface VoiceSessionsServiceOptions {
  tokens: TokenService;
  /** The platform's public URL; without it, the stream URL is on the host the request reached. */
  publicBaseUrl: string | undefined;
}

/** Short-lived, signed tickets for /v1/stream: the widget (pk_ + allowed Origin) or a dashboard user trying an agent. */
export function createVoiceSessionsService({ tokens, publicBaseUrl }: VoiceSessionsServiceOptions) {
  return {
    async open(tenant: TenantScope, principal: Principal, input: { agentId: string; mode: AgentConfigMode }, requestOrigin: string) {
      // The widget is a caller: it hears what was published, never the draft.
      if (input.mode === "draft" && principal.kind !== "session") throw new AppError("forbidden", "Only signed-in members can try an agent's draft");
      const agent = await getAgentOrThrow(tenant, input.agentId);
      const { token, expiresAt } = await tokens.issueVoiceToken(
        {
          workspaceId: principal.workspaceId,
          agentId: agent.id,
          mode: input.mode,
          ...(principal.kind === "session" ? { userId: principal.userId } : { keyId: principal.keyId }),
        },
        VOICE_TOKEN_TTL_SEC,
      );
      const base = publicBaseUrl ?? requestOrigin;
      const url = `${base.replace(/^http/, "ws")}/v1/stream?token=${encodeURIComponent(token)}`;
      return { token, url, expiresAt: expiresAt.toISOString() };
    },
  };
}
export type VoiceSessionsService = ReturnType<typeof createVoiceSessionsService>;
