import { createId } from "@orbis/contracts";
import type { Database } from "../client.ts";
import { agentToolsRepository } from "./agent-tools.repository.ts";
import { agentsRepository } from "./agents.repository.ts";
import { appointmentsRepository } from "./appointments.repository.ts";
import { apiKeysRepository } from "./api-keys.repository.ts";
import { auditRepository } from "./audit.repository.ts";
import { calendarFeedsRepository } from "./calendar-feeds.repository.ts";
import { callsRepository } from "./calls.repository.ts";
import { invitationsRepository } from "./invitations.repository.ts";
import { membersRepository } from "./members.repository.ts";
import { messagesRepository } from "./messages.repository.ts";
import { runIn, type Run } from "./scope.ts";
import { callEventsRepository, credentialsRepository, phoneNumbersRepository } from "./telephony.repository.ts";
import { workspaceRepository } from "./workspace.repository.ts";

function repositories(run: Run, workspaceId: string) {
  return {
    workspaceId,
    workspace: workspaceRepository(run, workspaceId),
    members: membersRepository(run, workspaceId),
    invitations: invitationsRepository(run, workspaceId),
    apiKeys: apiKeysRepository(run, workspaceId),
    agents: agentsRepository(run, workspaceId),
    calls: callsRepository(run, workspaceId),
    audit: auditRepository(run, workspaceId, () => createId("audit")),
    appointments: appointmentsRepository(run, workspaceId),
    messages: messagesRepository(run, workspaceId),
    agentTools: agentToolsRepository(run, workspaceId),
    calendarFeeds: calendarFeedsRepository(run, workspaceId),
    phoneNumbers: phoneNumbersRepository(run, workspaceId),
    credentials: credentialsRepository(run, workspaceId),
    callEvents: callEventsRepository(run, workspaceId),
  };
}

export type TenantRepositories = ReturnType<typeof repositories>;
export interface TenantScope extends TenantRepositories {
  /** Several repository calls in one tenant transaction (all or nothing). */
  transaction<T>(fn: (repos: TenantRepositories) => Promise<T>): Promise<T>;
}

/** The only way to reach tenant data: every query carries the workspace filter and runs under RLS. */
export function tenantScope(db: Database, workspaceId: string): TenantScope {
  const run: Run = (fn) => db.withTenant(workspaceId, fn);
  return {
    ...repositories(run, workspaceId),
    transaction: (fn) => db.withTenant(workspaceId, (tx) => fn(repositories(runIn(tx), workspaceId))),
  };
}

export { agentConfigOf, type AgentRow, type AgentVersionRow, type PageCursor } from "./agents.repository.ts";
export type { AgentToolRow, NewAgentToolRow } from "./agent-tools.repository.ts";
export type { AppointmentQuery, AppointmentRow, BusyRow, AppointmentRowPatch, NewAppointmentRow } from "./appointments.repository.ts";
export { findCalendarFeedByToken, type CalendarFeedRow } from "./calendar-feeds.repository.ts";
export type { MessageRow } from "./messages.repository.ts";
export { findPhoneNumberByE164, type CallEventRow, type CredentialRow, type PhoneNumberRow } from "./telephony.repository.ts";
export { sqlStateOf } from "./pg-errors.ts";
export type { ApiKeyRow } from "./api-keys.repository.ts";
export type { CallRow, CallTurnRow, ProviderUsageSum } from "./calls.repository.ts";
export type { InvitationRow } from "./invitations.repository.ts";
export type { MemberRow } from "./members.repository.ts";
export type { WorkspaceRow } from "./workspace.repository.ts";
export { systemRepository, type SystemRepository, type UserRow } from "./system.repository.ts";
