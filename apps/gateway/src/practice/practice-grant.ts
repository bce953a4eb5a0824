import type { AgentConfig, PersonaDto, ScenarioDto } from "@orbis/contracts";
import type { PracticeViewer, TenantScope } from "@orbis/db";
import { practiceSnapshots } from "@orbis/practice";
import { practiceAgentConfig } from "./practice-agent.ts";

/** A practice session the stream may run: whose it is, and the prospect it plays (the session's snapshots). */
export interface PracticeGrant {
  sessionId: string;
  /** The session's workspace (its stored provider keys, for a prospect played by a language model). */
  tenant: TenantScope;
  /** The rep, as the practice repository's row policies see them. */
  viewer: PracticeViewer;
  persona: PersonaDto;
  scenario: ScenarioDto;
  startedAt: Date;
}

type PracticeAdmission = { ok: true; practice: PracticeGrant; agent: AgentConfig } | { ok: false; message: string };

/**
 * Admits a voice token minted for a practice session (`practiceSessionId`): the session must exist, be
 * live and belong to the token's user, who must still be an active member of the workspace. Read as
 * that member, so the row policies apply here too.
 */
export async function admitPractice(
  tenant: TenantScope,
  claims: { userId?: string | undefined; agentId: string; practiceSessionId: string },
): Promise<PracticeAdmission> {
  const refused = (message: string) => ({ ok: false as const, message });
  // The API mints practice tokens with the session id as their subject; anything else was not minted for it.
  if (!claims.userId || claims.agentId !== claims.practiceSessionId) return refused("this token was not issued for a practice session");
  const member = await tenant.members.get(claims.userId);
  if (!member || member.status !== "active") return refused("the practice session's rep is not a member of this workspace");
  const viewer: PracticeViewer = { userId: member.userId, role: member.role };
  const session = await tenant.practice.getSession(viewer, claims.practiceSessionId);
  if (!session || session.userId !== viewer.userId) return refused("practice session not found");
  if (session.status !== "live") return refused("this practice session has already ended");
  const snapshots = practiceSnapshots(session);
  if (!snapshots) return refused("the practice session's persona or scenario cannot be read");
  return {
    ok: true,
    practice: { sessionId: session.id, tenant, viewer, ...snapshots, startedAt: session.startedAt },
    // Recorded like a call of an agent with `recordCalls`: the session's id names the file (`<workspace>/<session>.wav`).
    agent: practiceAgentConfig(snapshots.persona, snapshots.scenario, session.recordAudio),
  };
}
