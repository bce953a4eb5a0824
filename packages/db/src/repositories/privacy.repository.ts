import { and, asc, eq, inArray, isNotNull, lt, or, sql, type SQL } from "drizzle-orm";
import { createId } from "@orbis/contracts";
import type { Executor } from "../client.ts";
import {
  agents,
  agentTestScenarios,
  agentTools,
  agentVersions,
  apiKeys,
  appointments,
  auditLogs,
  callEvents,
  calls,
  callTurns,
  campaignContacts,
  campaigns,
  doNotCall,
  domainEvents,
  emails,
  invitations,
  memberships,
  messages,
  phoneNumbers,
  practiceSessions,
  smsMessages,
  users,
  userSessions,
  webhookEndpoints,
  workspaceCredentials,
  workspaces,
} from "../schema.ts";
import { auditRepository, type AuditEntry } from "./audit.repository.ts";
import type { Run } from "./scope.ts";

/** What a retention pass removed from one workspace. */
interface RetentionPurgeResult {
  /** Calls that lost their transcript or recording (the call rows stay: numbers, durations, costs). */
  calls: number;
  turns: number;
  /** Recording files to delete (their paths are already cleared on the call rows). */
  recordingPaths: string[];
}

/** What erasing one caller removed, per kind. */
interface CallerErasureResult {
  calls: number;
  turns: number;
  callEvents: number;
  recordings: number;
  appointments: number;
  messages: number;
  smsMessages: number;
  events: number;
  emails: number;
  campaignContacts: number;
  /** Do-not-call entries of the number: kept (the request outlives the erasure), their free-text reason cleared. */
  doNotCallKept: number;
  recordingPaths: string[];
}

/** The tables of a workspace export, each a list of plain rows (secrets, hashes and tokens left out). */
export const EXPORT_TABLES = [
  "workspace",
  "members",
  "invitations",
  "api_keys",
  "agents",
  "agent_versions",
  "business",
  "agent_tools",
  "agent_test_scenarios",
  "phone_numbers",
  "credentials",
  "calls",
  "call_turns",
  "appointments",
  "messages",
  "sms_messages",
  "campaigns",
  "campaign_contacts",
  "do_not_call",
  "webhook_endpoints",
  "audit_logs",
] as const;
type ExportTable = (typeof EXPORT_TABLES)[number];
export type WorkspaceExport = Record<ExportTable, Record<string, unknown>[]>;

/** Digits only: phone numbers are compared as the digits they hold (`+1 (415) 555-0100` is `14155550100`). */
const digitsOf = (column: SQL | unknown) => sql`regexp_replace(${column}, '[^0-9]', '', 'g')`;

/**
 * The data lifecycle of one workspace (GDPR): retention of transcripts and recordings, the export of
 * everything it holds, and erasing one caller. Tenant-scoped like every repository; the service runs
 * the mutations in one tenant transaction with their audit row. Recording files are the caller's to
 * delete: methods answer their paths.
 */
export function privacyRepository(run: Run, workspaceId: string) {
  const callsOfWs = eq(calls.workspaceId, workspaceId);
  /** The person's calls: those they made (caller), and those the workspace placed to them (outbound, callee). */
  const callsOfPerson = (digits: string) =>
    and(callsOfWs, or(sql`${digitsOf(calls.caller)} = ${digits}`, and(eq(calls.direction, "outbound"), sql`${digitsOf(calls.callee)} = ${digits}`)));
  return {
    async retentionDays(): Promise<number | undefined> {
      const [row] = await run((tx) => tx.select({ days: workspaces.retentionDays }).from(workspaces).where(eq(workspaces.id, workspaceId)));
      return row?.days;
    },
    async setRetentionDays(days: number): Promise<number | undefined> {
      const [row] = await run((tx) =>
        tx
          .update(workspaces)
          .set({ retentionDays: days, updatedAt: new Date() })
          .where(eq(workspaces.id, workspaceId))
          .returning({ days: workspaces.retentionDays }),
      );
      return row?.days;
    },

    /** Recording paths of calls that started before `cutoff` (what a purge will delete). */
    async expiredRecordingPaths(cutoff: Date): Promise<string[]> {
      const rows = await run((tx) =>
        tx
          .select({ path: calls.recordingPath })
          .from(calls)
          .where(and(callsOfWs, lt(calls.startedAt, cutoff), isNotNull(calls.recordingPath))),
      );
      return rows.map((r) => r.path!);
    },

    /**
     * Calls that started before `cutoff` lose their transcript (turns, summary) and recording path;
     * the call rows themselves stay for billing and statistics. Idempotent: a second pass finds nothing.
     */
    async purgeBefore(cutoff: Date): Promise<RetentionPurgeResult> {
      return run(async (tx) => {
        const old = and(callsOfWs, lt(calls.startedAt, cutoff));
        const turns = await tx
          .delete(callTurns)
          .where(and(eq(callTurns.workspaceId, workspaceId), inArray(callTurns.callId, tx.select({ id: calls.id }).from(calls).where(old))))
          .returning({ callId: callTurns.callId });
        const touched = await tx
          .select({ id: calls.id, path: calls.recordingPath })
          .from(calls)
          .where(and(old, or(isNotNull(calls.recordingPath), isNotNull(calls.summary))))
          .for("update");
        if (touched.length > 0) {
          await tx
            .update(calls)
            .set({ recordingPath: null, summary: null })
            .where(
              and(
                callsOfWs,
                inArray(
                  calls.id,
                  touched.map((c) => c.id),
                ),
              ),
            );
        }
        const callIds = new Set([...turns.map((t) => t.callId), ...touched.map((c) => c.id)]);
        return { calls: callIds.size, turns: turns.length, recordingPaths: touched.flatMap((c) => (c.path ? [c.path] : [])) };
      });
    },

    /** Recording paths of the caller's calls, and of the outbound calls placed to them (`digits`: the number's digits, E.164 without `+`). */
    async callerRecordingPaths(digits: string): Promise<string[]> {
      const rows = await run((tx) =>
        tx
          .select({ path: calls.recordingPath })
          .from(calls)
          .where(and(callsOfPerson(digits), isNotNull(calls.recordingPath))),
      );
      return rows.map((r) => r.path!);
    },

    /**
     * Erases one caller: their calls and the outbound calls placed to them (turns and carrier events go
     * with them), appointments and messages under that number, text messages to it, campaign contacts
     * with that number, the outbox events and emails that name it. Opt-outs (`sms_opt_outs`) and
     * do-not-call entries stay: they are what keeps the number from being texted or called again (a
     * do-not-call entry's free-text reason is cleared; the number, source and date remain).
     */
    async eraseCaller(digits: string): Promise<CallerErasureResult> {
      return run(async (tx) => {
        const callerCalls = await tx.select({ id: calls.id, path: calls.recordingPath }).from(calls).where(callsOfPerson(digits));
        const callIds = callerCalls.map((c) => c.id);
        let turns = 0;
        let events = 0;
        if (callIds.length > 0) {
          turns = (
            await tx
              .delete(callTurns)
              .where(and(eq(callTurns.workspaceId, workspaceId), inArray(callTurns.callId, callIds)))
              .returning({ id: callTurns.id })
          ).length;
          events = (
            await tx
              .delete(callEvents)
              .where(and(eq(callEvents.workspaceId, workspaceId), inArray(callEvents.callId, callIds)))
              .returning({ id: callEvents.id })
          ).length;
          await tx.delete(calls).where(and(callsOfWs, inArray(calls.id, callIds)));
        }
        const appts = await tx
          .delete(appointments)
          .where(and(eq(appointments.workspaceId, workspaceId), sql`${digitsOf(appointments.customerPhone)} = ${digits}`))
          .returning({ id: appointments.id });
        const msgs = await tx
          .delete(messages)
          .where(and(eq(messages.workspaceId, workspaceId), sql`${digitsOf(messages.callbackNumber)} = ${digits}`))
          .returning({ id: messages.id });
        const sms = await tx
          .delete(smsMessages)
          .where(and(eq(smsMessages.workspaceId, workspaceId), sql`${digitsOf(smsMessages.toNumber)} = ${digits}`))
          .returning({ id: smsMessages.id });
        // Campaign contacts are deleted, not anonymised: the row is the person (number, name, variables,
        // consent source); the campaign's progress then counts the contacts that are left.
        const contacts = await tx
          .delete(campaignContacts)
          .where(and(eq(campaignContacts.workspaceId, workspaceId), sql`${digitsOf(campaignContacts.phone)} = ${digits}`))
          .returning({ id: campaignContacts.id });
        const dnc = await tx
          .update(doNotCall)
          .set({ reason: "" })
          .where(and(eq(doNotCall.workspaceId, workspaceId), sql`${digitsOf(doNotCall.phone)} = ${digits}`))
          .returning({ id: doNotCall.id });
        // Outbox events carry the number (call.started, appointment.*, message.taken) or point at what was erased.
        const erasedIds = [...callIds, ...appts.map((a) => a.id), ...msgs.map((m) => m.id)];
        const p = domainEvents.payload;
        const outbox = await tx
          .delete(domainEvents)
          .where(
            and(
              eq(domainEvents.workspaceId, workspaceId),
              or(
                sql`${digitsOf(sql`${p}->>'caller'`)} = ${digits}`,
                sql`${digitsOf(sql`${p}->>'customerPhone'`)} = ${digits}`,
                sql`${digitsOf(sql`${p}->>'callbackNumber'`)} = ${digits}`,
                erasedIds.length > 0
                  ? or(inArray(sql`${p}->>'callId'`, erasedIds), inArray(sql`${p}->>'appointmentId'`, erasedIds), inArray(sql`${p}->>'messageId'`, erasedIds))
                  : undefined,
              ),
            ),
          )
          .returning({ id: domainEvents.id });
        // Notification emails to the business that quote the number (a new message, a booking), written with or
        // without spaces, dots, dashes and brackets.
        const mail = await tx
          .delete(emails)
          .where(and(eq(emails.workspaceId, workspaceId), sql`regexp_replace(${emails.text}, '[[:space:]().-]', '', 'g') ~ ${`\\+${digits}(?![0-9])`}`))
          .returning({ id: emails.id });
        const recordingPaths = callerCalls.flatMap((c) => (c.path ? [c.path] : []));
        return {
          calls: callIds.length,
          turns,
          callEvents: events,
          recordings: recordingPaths.length,
          appointments: appts.length,
          messages: msgs.length,
          smsMessages: sms.length,
          events: outbox.length,
          emails: mail.length,
          campaignContacts: contacts.length,
          doNotCallKept: dnc.length,
          recordingPaths,
        };
      });
    },

    /** Everything the workspace holds, table by table, without secrets, hashes or tokens. */
    async exportAll(): Promise<WorkspaceExport> {
      return run(async (tx) => {
        const ws = (table: { workspaceId: unknown }) => eq(table.workspaceId as typeof calls.workspaceId, workspaceId);
        const workspace = await tx
          .select({
            id: workspaces.id,
            name: workspaces.name,
            slug: workspaces.slug,
            timezone: workspaces.timezone,
            requireTwoFactor: workspaces.requireTwoFactor,
            smsEnabled: workspaces.smsEnabled,
            retentionDays: workspaces.retentionDays,
            createdAt: workspaces.createdAt,
            updatedAt: workspaces.updatedAt,
          })
          .from(workspaces)
          .where(eq(workspaces.id, workspaceId));
        const members = await tx
          .select({
            userId: users.id,
            email: users.email,
            name: users.name,
            role: memberships.role,
            status: memberships.status,
            joinedAt: memberships.createdAt,
          })
          .from(memberships)
          .innerJoin(users, eq(users.id, memberships.userId))
          .where(ws(memberships))
          .orderBy(asc(memberships.createdAt));
        const invitationRows = await tx
          .select({
            id: invitations.id,
            email: invitations.email,
            role: invitations.role,
            invitedBy: invitations.invitedBy,
            expiresAt: invitations.expiresAt,
            acceptedAt: invitations.acceptedAt,
            createdAt: invitations.createdAt,
          })
          .from(invitations)
          .where(ws(invitations))
          .orderBy(asc(invitations.createdAt));
        const keys = await tx
          .select({
            id: apiKeys.id,
            name: apiKeys.name,
            kind: apiKeys.kind,
            prefix: apiKeys.prefix,
            allowedOrigins: apiKeys.allowedOrigins,
            createdBy: apiKeys.createdBy,
            lastUsedAt: apiKeys.lastUsedAt,
            revokedAt: apiKeys.revokedAt,
            createdAt: apiKeys.createdAt,
          })
          .from(apiKeys)
          .where(ws(apiKeys))
          .orderBy(asc(apiKeys.createdAt));
        const agentRows = await tx.select().from(agents).where(ws(agents)).orderBy(asc(agents.createdAt));
        const versions = await tx.select().from(agentVersions).where(ws(agentVersions)).orderBy(asc(agentVersions.agentId), asc(agentVersions.version));
        const tools = await tx
          .select({
            id: agentTools.id,
            agentId: agentTools.agentId,
            name: agentTools.name,
            description: agentTools.description,
            args: agentTools.args,
            url: agentTools.url,
            method: agentTools.method,
            // Header names only: values are often the tenant's own API keys.
            headerNames: sql<string[]>`coalesce((select jsonb_agg(k order by k) from jsonb_object_keys(${agentTools.headers}) k), '[]'::jsonb)`,
            timeoutMs: agentTools.timeoutMs,
            maxRetries: agentTools.maxRetries,
            enabled: agentTools.enabled,
            createdAt: agentTools.createdAt,
            updatedAt: agentTools.updatedAt,
          })
          .from(agentTools)
          .where(ws(agentTools))
          .orderBy(asc(agentTools.createdAt));
        const scenarios = await tx.select().from(agentTestScenarios).where(ws(agentTestScenarios)).orderBy(asc(agentTestScenarios.createdAt));
        const numbers = await tx.select().from(phoneNumbers).where(ws(phoneNumbers)).orderBy(asc(phoneNumbers.createdAt));
        const credentials = await tx
          .select({
            provider: workspaceCredentials.provider,
            hints: workspaceCredentials.hints,
            createdAt: workspaceCredentials.createdAt,
            updatedAt: workspaceCredentials.updatedAt,
          })
          .from(workspaceCredentials)
          .where(ws(workspaceCredentials))
          .orderBy(asc(workspaceCredentials.provider));
        const callRows = await tx.select().from(calls).where(callsOfWs).orderBy(asc(calls.startedAt), asc(calls.id));
        const turnRows = await tx.select().from(callTurns).where(ws(callTurns)).orderBy(asc(callTurns.callId), asc(callTurns.seq));
        const appointmentRows = await tx.select().from(appointments).where(ws(appointments)).orderBy(asc(appointments.startAt), asc(appointments.id));
        const messageRows = await tx.select().from(messages).where(ws(messages)).orderBy(asc(messages.createdAt), asc(messages.id));
        const smsRows = await tx
          .select({
            id: smsMessages.id,
            appointmentId: smsMessages.appointmentId,
            kind: smsMessages.kind,
            provider: smsMessages.provider,
            toNumber: smsMessages.toNumber,
            fromNumber: smsMessages.fromNumber,
            body: smsMessages.body,
            status: smsMessages.status,
            attempts: smsMessages.attempts,
            error: smsMessages.error,
            sendAt: smsMessages.sendAt,
            sentAt: smsMessages.sentAt,
            createdAt: smsMessages.createdAt,
          })
          .from(smsMessages)
          .where(ws(smsMessages))
          .orderBy(asc(smsMessages.createdAt));
        const campaignRows = await tx.select().from(campaigns).where(ws(campaigns)).orderBy(asc(campaigns.createdAt), asc(campaigns.id));
        const contactRows = await tx
          .select()
          .from(campaignContacts)
          .where(ws(campaignContacts))
          .orderBy(asc(campaignContacts.campaignId), asc(campaignContacts.createdAt), asc(campaignContacts.id));
        const dncRows = await tx.select().from(doNotCall).where(ws(doNotCall)).orderBy(asc(doNotCall.createdAt), asc(doNotCall.id));
        const endpoints = await tx
          .select({
            id: webhookEndpoints.id,
            url: webhookEndpoints.url,
            description: webhookEndpoints.description,
            eventTypes: webhookEndpoints.eventTypes,
            enabled: webhookEndpoints.enabled,
            disabledReason: webhookEndpoints.disabledReason,
            createdAt: webhookEndpoints.createdAt,
            updatedAt: webhookEndpoints.updatedAt,
          })
          .from(webhookEndpoints)
          .where(ws(webhookEndpoints))
          .orderBy(asc(webhookEndpoints.createdAt));
        const audit = await tx.select().from(auditLogs).where(ws(auditLogs)).orderBy(asc(auditLogs.createdAt), asc(auditLogs.id));
        return {
          workspace,
          members,
          invitations: invitationRows,
          api_keys: keys,
          agents: agentRows.map(({ business: _business, ...agent }) => agent),
          agent_versions: versions,
          business: agentRows.map((a) => ({ agentId: a.id, business: a.business })),
          agent_tools: tools,
          agent_test_scenarios: scenarios,
          phone_numbers: numbers,
          credentials,
          calls: callRows,
          call_turns: turnRows,
          appointments: appointmentRows,
          messages: messageRows,
          sms_messages: smsRows,
          campaigns: campaignRows,
          campaign_contacts: contactRows,
          do_not_call: dncRows,
          webhook_endpoints: endpoints,
          audit_logs: audit,
        };
      });
    },
  };
}

/** The digits of an E.164 number, the form `privacyRepository` compares numbers in. */
export const phoneDigits = (e164: string) => e164.replace(/\D/g, "");

/**
 * Cross-workspace work of the data lifecycle (system connection): the retention job's list, deleting
 * a workspace, deleting a user account. Run the mutations in one `db.system.transaction`.
 */
export function privacySystemRepository(db: Executor) {
  const audit = (workspaceId: string, entry: AuditEntry) =>
    auditRepository(
      (fn) => fn(db),
      workspaceId,
      () => createId("audit"),
    ).record(entry);

  /**
   * Recording paths (calls and sales practice sessions) and live sessions of the workspaces, plus the
   * practice recordings of `userId` in any workspace (their sessions go with the account): what must go with them.
   */
  async function belongingsOf(workspaceIds: string[], userId?: string) {
    const practiceOf = [
      ...(workspaceIds.length ? [inArray(practiceSessions.workspaceId, workspaceIds)] : []),
      ...(userId ? [eq(practiceSessions.userId, userId)] : []),
    ];
    const practicePaths = practiceOf.length
      ? await db
          .select({ path: practiceSessions.recordingPath })
          .from(practiceSessions)
          .where(and(or(...practiceOf), isNotNull(practiceSessions.recordingPath)))
      : [];
    if (workspaceIds.length === 0) return { recordingPaths: practicePaths.map((p) => p.path!), sessions: [] };
    const paths = await db
      .select({ path: calls.recordingPath })
      .from(calls)
      .where(and(inArray(calls.workspaceId, workspaceIds), isNotNull(calls.recordingPath)));
    const sessions = await db
      .select({ id: userSessions.id, expiresAt: userSessions.expiresAt })
      .from(userSessions)
      .where(inArray(userSessions.workspaceId, workspaceIds));
    return { recordingPaths: [...paths, ...practicePaths].map((p) => p.path!), sessions };
  }

  return {
    /** Every workspace with its retention, for the daily purge. */
    workspacesForRetention(): Promise<{ id: string; retentionDays: number }[]> {
      return db.select({ id: workspaces.id, retentionDays: workspaces.retentionDays }).from(workspaces).orderBy(asc(workspaces.id));
    },

    /** What must be cleaned up outside the database when these workspaces go: recording files, cached sessions. */
    belongingsOf,

    /** Deletes the workspace; every tenant row goes with it (ON DELETE CASCADE). Answers whether it existed. */
    async deleteWorkspace(workspaceId: string): Promise<boolean> {
      const rows = await db.delete(workspaces).where(eq(workspaces.id, workspaceId)).returning({ id: workspaces.id });
      return rows.length > 0;
    },

    /**
     * What deleting the user's account means for each of their workspaces: `blocking` — they are its
     * only active owner and others belong to it (ownership must pass first); `deleted` — nobody else
     * belongs to it, so it goes with the account; `left` — the others stay, the user leaves.
     */
    async accountDeletionPlan(userId: string) {
      const mine = await db
        .select({ workspaceId: memberships.workspaceId, role: memberships.role, name: workspaces.name })
        .from(memberships)
        .innerJoin(workspaces, eq(workspaces.id, memberships.workspaceId))
        .where(eq(memberships.userId, userId))
        .orderBy(asc(memberships.createdAt));
      const ids = mine.map((m) => m.workspaceId);
      const stats =
        ids.length === 0
          ? []
          : await db
              .select({
                workspaceId: memberships.workspaceId,
                others: sql<number>`count(*) filter (where ${memberships.userId} <> ${userId})::int`,
                otherOwners: sql<number>`count(*) filter (where ${memberships.userId} <> ${userId} and ${memberships.role} = 'owner' and ${memberships.status} = 'active')::int`,
              })
              .from(memberships)
              .where(inArray(memberships.workspaceId, ids))
              .groupBy(memberships.workspaceId);
      const byId = new Map(stats.map((s) => [s.workspaceId, s]));
      const blocking: { id: string; name: string }[] = [];
      const deleted: string[] = [];
      const left: string[] = [];
      for (const m of mine) {
        const s = byId.get(m.workspaceId) ?? { others: 0, otherOwners: 0 };
        if (s.others === 0) deleted.push(m.workspaceId);
        else if (m.role === "owner" && s.otherOwners === 0) blocking.push({ id: m.workspaceId, name: m.name });
        else left.push(m.workspaceId);
      }
      return { blocking, deleted, left };
    },

    /** Deletes the user row (memberships, sessions, authenticator and links go with it), auditing in the workspaces they leave. */
    async deleteUser(userId: string, leftWorkspaceIds: string[], ip: string): Promise<boolean> {
      for (const workspaceId of leftWorkspaceIds) {
        await audit(workspaceId, { action: "account.deleted", actorUserId: userId, targetType: "user", targetId: userId, ip });
      }
      const rows = await db.delete(users).where(eq(users.id, userId)).returning({ id: users.id });
      return rows.length > 0;
    },

    /** Sessions of the user (any workspace), so their cached answers can be revoked once the account is gone. */
    sessionsOfUser(userId: string) {
      return db.select({ id: userSessions.id, expiresAt: userSessions.expiresAt }).from(userSessions).where(eq(userSessions.userId, userId));
    },
  };
}
