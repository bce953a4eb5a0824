import { createId } from "@orbis/contracts";
import type { Database, Tx } from "../client.ts";
import { agentTestsRepository } from "./agent-tests.repository.ts";
import { agentToolsRepository } from "./agent-tools.repository.ts";
import { agentsRepository } from "./agents.repository.ts";
import { appointmentsRepository } from "./appointments.repository.ts";
import { apiKeysRepository } from "./api-keys.repository.ts";
import { auditRepository } from "./audit.repository.ts";
import { billingRepository } from "./billing.repository.ts";
import { calendarFeedsRepository } from "./calendar-feeds.repository.ts";
import { calendarConnectionsRepository } from "./calendar-connections.repository.ts";
import { campaignsRepository, doNotCallRepository } from "./campaigns.repository.ts";
import { eventsRepository } from "./events.repository.ts";
import { emailsRepository } from "./emails.repository.ts";
import { callsRepository } from "./calls.repository.ts";
import { invitationsRepository } from "./invitations.repository.ts";
import { membersRepository } from "./members.repository.ts";
import { messagesRepository } from "./messages.repository.ts";
import { practiceRepository } from "./practice.repository.ts";
import { privacyRepository } from "./privacy.repository.ts";
import { runIn, type Run } from "./scope.ts";
import { smsRepository } from "./sms.repository.ts";
import { callEventsRepository, credentialsRepository, phoneNumbersRepository } from "./telephony.repository.ts";
import { workspaceRepository } from "./workspace.repository.ts";
import { webhooksRepository } from "./webhooks.repository.ts";

const factories = {
  workspace: workspaceRepository,
  members: membersRepository,
  invitations: invitationsRepository,
  apiKeys: apiKeysRepository,
  agents: agentsRepository,
  calls: callsRepository,
  audit: (run: Run, workspaceId: string) => auditRepository(run, workspaceId, () => createId("audit")),
  appointments: appointmentsRepository,
  messages: messagesRepository,
  agentTools: agentToolsRepository,
  agentTests: agentTestsRepository,
  calendarFeeds: calendarFeedsRepository,
  calendarConnections: calendarConnectionsRepository,
  phoneNumbers: phoneNumbersRepository,
  credentials: credentialsRepository,
  callEvents: callEventsRepository,
  events: eventsRepository,
  emails: emailsRepository,
  sms: smsRepository,
  webhooks: webhooksRepository,
  privacy: privacyRepository,
  billing: billingRepository,
  practice: practiceRepository,
  campaigns: campaignsRepository,
  doNotCall: doNotCallRepository,
} satisfies Record<string, (run: Run, workspaceId: string) => object>;
type Factories = typeof factories;

export type TenantRepositories = { readonly workspaceId: string } & { readonly [K in keyof Factories]: ReturnType<Factories[K]> };

/**
 * Repositories are built on first use: a request touches one or two of them, and building all fourteen
 * for every request cost ~16 µs and their closures' garbage. The getters live on the prototype, once.
 */
class Repositories {
  readonly #made = new Map<string, object>();
  constructor(
    readonly run: Run,
    readonly workspaceId: string,
  ) {}
  protected repository(name: keyof Factories): object {
    let repo = this.#made.get(name);
    if (!repo) this.#made.set(name, (repo = factories[name](this.run, this.workspaceId)));
    return repo;
  }
}
for (const name of Object.keys(factories) as (keyof Factories)[]) {
  Object.defineProperty(Repositories.prototype, name, {
    get(this: Repositories) {
      return (this as unknown as { repository(n: string): object }).repository(name);
    },
  });
}

export interface TenantScope extends TenantRepositories {
  /**
   * Several repository calls in one tenant transaction (all or nothing). Called on the scope a
   * transaction hands out, it joins that transaction: code written against a `TenantScope` (a
   * service of another package) can take part in the caller's transaction.
   */
  transaction<T>(fn: (repos: TenantScope) => Promise<T>): Promise<T>;
}

/** The repositories of one open transaction. */
class TransactionScope extends Repositories {
  transaction<T>(fn: (repos: TenantScope) => Promise<T>): Promise<T> {
    return fn(this as unknown as TenantScope);
  }
}

class Scope extends Repositories {
  constructor(
    private readonly db: Database,
    workspaceId: string,
  ) {
    // A single repository call is one statement (or reads only), so it needs no transaction of its own;
    // `transaction` is the way to make several calls all-or-nothing.
    super((fn) => db.inTenant(workspaceId, fn), workspaceId);
  }
  transaction<T>(fn: (repos: TenantScope) => Promise<T>): Promise<T> {
    return this.db.withTenant(this.workspaceId, (tx) => fn(new TransactionScope(runIn(tx), this.workspaceId) as unknown as TenantScope));
  }
}

/** The only way to reach tenant data: every query carries the workspace filter and runs under RLS. */
export function tenantScope(db: Database, workspaceId: string): TenantScope {
  return new Scope(db, workspaceId) as unknown as TenantScope;
}

/**
 * One workspace's repositories on a transaction already open (the worker's relay batch): what they
 * write commits or rolls back with it. Every repository filters by the workspace itself; on the system
 * connection RLS does not apply, so this is for system work that knows the workspace from its data.
 */
export function tenantScopeOn(tx: Tx, workspaceId: string): TenantScope {
  return new TransactionScope(runIn(tx), workspaceId) as unknown as TenantScope;
}

export { agentConfigOf, type AgentListItem, type AgentRow, type AgentVersionRow, type PageCursor } from "./agents.repository.ts";
export type { AgentToolRow, NewAgentToolRow } from "./agent-tools.repository.ts";
export type { TestRunRow, TestScenarioRow } from "./agent-tests.repository.ts";
export type { AppointmentQuery, AppointmentRow, BusyRow, AppointmentRowPatch, NewAppointmentRow } from "./appointments.repository.ts";
export { findCalendarFeedByToken, type CalendarFeedRow } from "./calendar-feeds.repository.ts";
export {
  calendarSyncSystemRepository,
  type CalendarChoice,
  type CalendarConnectionPatch,
  type CalendarConnectionRow,
  type CalendarEventLinkRow,
  type NewCalendarConnectionRow,
} from "./calendar-connections.repository.ts";
export type { MessageRow } from "./messages.repository.ts";
export {
  campaignSystemRepository,
  type CampaignContactRow,
  type CampaignPatch,
  type CampaignRow,
  type DoNotCallRow,
  type NewCampaignContactRow,
} from "./campaigns.repository.ts";
export { findPhoneNumberByE164, type CallEventRow, type CredentialRow, type NumberLastEvent, type PhoneNumberRow } from "./telephony.repository.ts";
export { sqlStateOf } from "./pg-errors.ts";
export { onEventRecorded, relayEvents, type DomainEventRow } from "./events.repository.ts";
export { smsSystemRepository, type NewSmsMessageRow, type SmsContext, type SmsMessageRow, type SmsSystemRepository } from "./sms.repository.ts";
export type { ApiKeyRow } from "./api-keys.repository.ts";
export {
  isManager,
  type PracticeActivityRow,
  type PracticeGoalRow,
  type PracticePersonaRow,
  type PracticePriceRow,
  type PracticeScenarioRow,
  type PracticeSessionPatch,
  type PracticeSessionRow,
  type PracticeTurnRow,
  type PracticeViewer,
  type WhatIfRow,
} from "./practice.repository.ts";
export type { AuditFilter } from "./audit.repository.ts";
export type { AgentAnalyticsRow, CallRow, CallTurnRow, DailyUsageRows, ProviderUsageSum } from "./calls.repository.ts";
export type { InvitationRow } from "./invitations.repository.ts";
export type { MemberRow } from "./members.repository.ts";
export type { WorkspaceRow } from "./workspace.repository.ts";
export { systemRepository, type SystemRepository, type UserRow } from "./system.repository.ts";
export {
  claimWebhookDelivery,
  findStrandedWebhookDeliveries,
  insertWebhookDeliveries,
  markWebhookDelivered,
  markWebhookFailed,
  scheduleWebhookRetry,
  type ClaimedWebhookDelivery,
  type WebhookAttemptResult,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from "./webhooks.repository.ts";
export { accountRepository, type AccountRepository, type TwoFactorRow } from "./accounts.repository.ts";
export { emailAudience, emailStore, type EmailRecipientRow, type EmailRow, type EmailStore, type NewEmailRow } from "./emails.repository.ts";
export { userEmailRepository, type EmailVerificationRow, type UserEmailRepository } from "./user-email.repository.ts";
export {
  billingSystemRepository,
  type BillingRepository,
  type BillingSubscriptionPatch,
  type BillingSubscriptionRow,
  type BillingSystemRepository,
  type NewUsageRecordRow,
  type PeriodUsage,
  type UsageDailyRow,
  type UsageRecordRow,
} from "./billing.repository.ts";
export { EXPORT_TABLES, phoneDigits, privacySystemRepository, type WorkspaceExport } from "./privacy.repository.ts";
export * from "./referral-links.repository.ts";
export * from "./referral-commissions.repository.ts";
export * from "./affiliates.repository.ts";
export * from "./referral-admin.repository.ts";
