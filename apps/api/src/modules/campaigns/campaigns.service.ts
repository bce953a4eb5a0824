import {
  AppError,
  CONTACT_OUTCOMES,
  createCampaignBodySchema,
  CONTACT_STATUSES,
  createId,
  REMINDER_OPENING,
  type AddContactsBody,
  type CampaignProgressDto,
  type CampaignStatus,
  type CreateCampaignBody,
  type ImportCsvBody,
  type UpdateCampaignBody,
} from "@orbis/contracts";
import type { CampaignRow, TenantScope } from "@orbis/db";
import type { z } from "zod";
import type { listCampaignsQuerySchema, listContactsQuerySchema, listDoNotCallQuerySchema } from "@orbis/contracts";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import { invalid, parseOrThrow } from "../../lib/validation.ts";
import { candidatesFromCsv, candidatesFromJson, importCandidates, placeholdersOf, type CsvMapping } from "./contacts-import.ts";
import { csvRows } from "../../lib/csv.ts";
import { toCampaignDto, toContactDto, toDoNotCallDto } from "./campaigns.mappers.ts";
import { reminderContacts } from "./reminders.ts";

type ListCampaignsQuery = z.infer<typeof listCampaignsQuerySchema>;
type ListContactsQuery = z.infer<typeof listContactsQuerySchema>;
type ListDoNotCallQuery = z.infer<typeof listDoNotCallQuerySchema>;

/** Which state changes are allowed from where. */
const TRANSITIONS = {
  start: { from: ["draft"], to: "running" },
  pause: { from: ["running"], to: "paused" },
  resume: { from: ["paused"], to: "running" },
  cancel: { from: ["draft", "running", "paused"], to: "cancelled" },
} as const satisfies Record<string, { from: CampaignStatus[]; to: CampaignStatus }>;
export type CampaignAction = keyof typeof TRANSITIONS;

const settingsOf = (c: CampaignRow) => ({
  name: c.name,
  agentId: c.agentId,
  fromNumber: c.fromNumber,
  type: c.type,
  window: c.window,
  allowOutsideQuietHours: c.allowOutsideQuietHours,
  maxConcurrent: c.maxConcurrent,
  retry: { maxAttempts: c.maxAttempts, backoffMinutes: c.backoffMinutes },
  machineDetection: c.machineDetection,
  voicemailMessage: c.voicemailMessage,
  opening: c.opening,
});

const columnsOf = (s: CreateCampaignBody) => ({
  name: s.name,
  agentId: s.agentId,
  fromNumber: s.fromNumber,
  window: s.window,
  allowOutsideQuietHours: s.allowOutsideQuietHours,
  maxConcurrent: s.maxConcurrent,
  maxAttempts: s.retry.maxAttempts,
  backoffMinutes: s.retry.backoffMinutes,
  machineDetection: s.machineDetection,
  voicemailMessage: s.voicemailMessage,
  opening: s.opening,
});

/**
 * Outbound campaigns (docs/campaigns.md): the campaign and its settings, the state changes the worker's
 * scheduler obeys (start, pause, resume, cancel), contacts (CSV or JSON, checked per row), progress,
 * the results as CSV, and the workspace's do-not-call list. Every change is audited in its transaction.
 */
export function createCampaignsService(o: { now?: () => Date } = {}) {
  const now = o.now ?? (() => new Date());

  /** The agent exists and the caller id is one of the workspace's numbers (422 naming the field otherwise). */
  async function checkRefs(tenant: TenantScope, s: { agentId: string; fromNumber: string }) {
    if (!(await tenant.agents.get(s.agentId))) throw invalid("body.agentId", "no such agent in this workspace");
    if (!(await tenant.phoneNumbers.list()).some((n) => n.number === s.fromNumber))
      throw invalid("body.fromNumber", "must be one of this workspace's phone numbers");
  }

  const campaignOf = async (tenant: TenantScope, id: string) => found(await tenant.campaigns.get(id), "Campaign");

  /** The variables a contact must hold for the campaign's opening and voicemail message. */
  const requiredVariables = (c: CampaignRow) => placeholdersOf(c.opening ?? (c.type === "appointment_reminder" ? REMINDER_OPENING : null), c.voicemailMessage);

  const openForContacts = (c: CampaignRow) => {
    if (c.status === "completed" || c.status === "cancelled") throw new AppError("conflict", `The campaign is ${c.status}: contacts can no longer be added`);
  };

  return {
    async list(tenant: TenantScope, q: ListCampaignsQuery) {
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await tenant.campaigns.list({
        limit: q.limit + 1,
        ...(q.status ? { status: q.status } : {}),
        ...(after ? { after: { createdAt: after.date, id: after.id } } : {}),
      });
      const page = pageOf(rows, q.limit, (c) => ({ at: c.createdAt, id: c.id }));
      return { data: page.rows.map(toCampaignDto), nextCursor: page.nextCursor };
    },
    get: async (tenant: TenantScope, id: string) => toCampaignDto(await campaignOf(tenant, id)),

    async create(tenant: TenantScope, actor: Actor, body: CreateCampaignBody) {
      await checkRefs(tenant, body);
      return tenant.transaction(async (t) => {
        const row = await t.campaigns.insert({ id: createId("campaign"), type: body.type, status: "draft", ...columnsOf(body) });
        await t.audit.record({
          ...auditedBy(actor),
          action: "campaign.created",
          targetType: "campaign",
          targetId: row.id,
          metadata: { name: row.name, type: row.type },
        });
        return toCampaignDto(row);
      });
    },

    /** Settings change while the campaign has not finished; the result must keep every rule a new campaign keeps. */
    async update(tenant: TenantScope, actor: Actor, id: string, body: UpdateCampaignBody) {
      const current = await campaignOf(tenant, id);
      if (current.status === "completed" || current.status === "cancelled") throw new AppError("conflict", `The campaign is ${current.status}`);
      const merged = parseOrThrow(createCampaignBodySchema, { ...settingsOf(current), ...body }, "body");
      if (body.agentId !== undefined || body.fromNumber !== undefined) await checkRefs(tenant, merged);
      return tenant.transaction(async (t) => {
        const row = found(await t.campaigns.update(id, columnsOf(merged), ["draft", "running", "paused"]), "Campaign");
        await t.audit.record({
          ...auditedBy(actor),
          action: "campaign.updated",
          targetType: "campaign",
          targetId: id,
          metadata: { fields: Object.keys(body) },
        });
        return toCampaignDto(row);
      });
    },

    /** A running campaign is paused or cancelled first (its live calls finish on their own). */
    async delete(tenant: TenantScope, actor: Actor, id: string) {
      const current = await campaignOf(tenant, id);
      if (current.status === "running") throw new AppError("conflict", "The campaign is running: pause or cancel it first");
      await tenant.transaction(async (t) => {
        found((await t.campaigns.delete(id)) || undefined, "Campaign");
        await t.audit.record({ ...auditedBy(actor), action: "campaign.deleted", targetType: "campaign", targetId: id, metadata: { name: current.name } });
      });
    },

    /**
     * start (draft → running; a reminder campaign first takes tomorrow's appointments as contacts),
     * pause (running → paused: no new calls, live ones finish), resume, cancel. 409 from any other state.
     */
    async transition(tenant: TenantScope, actor: Actor, id: string, action: CampaignAction) {
      const current = await campaignOf(tenant, id);
      const rule = TRANSITIONS[action];
      if (!(rule.from as readonly CampaignStatus[]).includes(current.status))
        throw new AppError("conflict", `Cannot ${action} a campaign that is ${current.status}`, { status: current.status });
      let metadata: Record<string, unknown> = {};
      if (action === "start" || action === "resume") {
        const agent = await tenant.agents.get(current.agentId);
        if (!agent || agent.publishedVersion === null) throw invalid("agentId", "the campaign's agent must be published before it calls anyone");
        if (!(await tenant.phoneNumbers.list()).some((n) => n.number === current.fromNumber))
          throw invalid("fromNumber", "the campaign's number is no longer one of this workspace's numbers");
        if (action === "start" && current.type === "standard" && (await tenant.campaigns.countByStatus(id, ["pending"])) === 0)
          throw invalid("contacts", "add contacts before starting the campaign");
        if (action === "start" && current.type === "appointment_reminder") {
          const workspace = await tenant.workspace.get();
          const built = await reminderContacts(tenant, {
            campaignId: id,
            agentBusiness: agent.business,
            workspaceZone: workspace?.timezone ?? "UTC",
            now: now(),
          });
          metadata = { imported: await tenant.campaigns.insertContacts(built.contacts), skipped: built.skipped };
        }
      }
      return tenant.transaction(async (t) => {
        const at = now();
        const row = await t.campaigns.update(
          id,
          { status: rule.to, ...(action === "start" ? { startedAt: at } : {}), ...(action === "resume" || action === "start" ? { lastError: null } : {}) },
          [...rule.from],
        );
        if (!row) throw new AppError("conflict", `The campaign changed meanwhile; cannot ${action} it`);
        await t.audit.record({
          ...auditedBy(actor),
          action: `campaign.${action === "start" ? "started" : `${action}d`}`,
          targetType: "campaign",
          targetId: id,
          metadata,
        });
        return toCampaignDto(row);
      });
    },

    async progress(tenant: TenantScope, id: string): Promise<CampaignProgressDto> {
      await campaignOf(tenant, id);
      const counts = await tenant.campaigns.counts(id);
      const byStatus = Object.fromEntries(CONTACT_STATUSES.map((s) => [s, 0])) as CampaignProgressDto["byStatus"];
      const byOutcome = Object.fromEntries(CONTACT_OUTCOMES.map((s) => [s, 0])) as CampaignProgressDto["byOutcome"];
      let total = 0;
      for (const c of counts) {
        total += c.n;
        byStatus[c.status] += c.n;
        if (c.outcome) byOutcome[c.outcome] += c.n;
      }
      const finished = total - byStatus.pending - byStatus.calling;
      return { total, finished, percent: total === 0 ? 0 : Math.round((finished / total) * 1000) / 10, byStatus, byOutcome };
    },

    async importCsv(tenant: TenantScope, actor: Actor, id: string, body: ImportCsvBody, dryRun: boolean) {
      const campaign = await campaignOf(tenant, id);
      openForContacts(campaign);
      const { candidates, headerErrors } = candidatesFromCsv(body.csv, body.mapping as CsvMapping, { consentSource: body.consentSource });
      return importAndAudit(tenant, actor, campaign, { candidates, headerErrors, dryRun, variableColumn: (n) => n, via: "csv" });
    },

    async addContacts(tenant: TenantScope, actor: Actor, id: string, body: AddContactsBody, dryRun: boolean) {
      const campaign = await campaignOf(tenant, id);
      openForContacts(campaign);
      return importAndAudit(tenant, actor, campaign, {
        candidates: candidatesFromJson(body),
        headerErrors: [],
        dryRun,
        variableColumn: (n) => `variables.${n}`,
        via: "json",
      });
    },

    async listContacts(tenant: TenantScope, id: string, q: ListContactsQuery) {
      await campaignOf(tenant, id);
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await tenant.campaigns.listContacts(id, {
        limit: q.limit + 1,
        ...(q.status ? { status: q.status } : {}),
        ...(q.outcome ? { outcome: q.outcome } : {}),
        ...(after ? { after: { createdAt: after.date, id: after.id } } : {}),
      });
      const page = pageOf(rows, q.limit, (c) => ({ at: c.createdAt, id: c.id }));
      return { data: page.rows.map(toContactDto), nextCursor: page.nextCursor };
    },

    /** Every contact with its status and outcome, one CSV row each (variables as columns after the fixed ones). */
    async resultsCsv(tenant: TenantScope, id: string): Promise<{ filename: string; body: string }> {
      const campaign = await campaignOf(tenant, id);
      const rows = [];
      for (let after: { createdAt: Date; id: string } | undefined; ;) {
        const batch = await tenant.campaigns.listContacts(id, { limit: 1000, ...(after ? { after } : {}) });
        rows.push(...batch);
        if (batch.length < 1000) break;
        after = { createdAt: batch.at(-1)!.createdAt, id: batch.at(-1)!.id };
      }
      const variables = [...new Set(rows.flatMap((r) => Object.keys(r.variables)))];
      const fixed = ["phone", "name", "timezone", "status", "outcome", "attempts", "last_attempt_at", "next_attempt_at", "last_call_id", "consent_source"];
      const body = csvRows([
        [...fixed, ...variables.map((v) => `var_${v}`)],
        ...rows.map((r) => [
          r.phone,
          r.name,
          r.timezone,
          r.status,
          r.outcome,
          r.attempts,
          r.lastAttemptAt,
          r.nextAttemptAt,
          r.lastCallId,
          r.consentSource,
          ...variables.map((v) => r.variables[v]),
        ]),
      ]);
      const slug =
        campaign.name
          .replace(/[^a-zA-Z0-9]+/g, "-")
          .replace(/^-|-$/g, "")
          .slice(0, 40) || "campaign";
      return { filename: `${slug}-results.csv`, body };
    },

    async listDoNotCall(tenant: TenantScope, q: ListDoNotCallQuery) {
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await tenant.doNotCall.list({
        limit: q.limit + 1,
        ...(q.phone ? { phone: q.phone } : {}),
        ...(after ? { after: { createdAt: after.date, id: after.id } } : {}),
      });
      const page = pageOf(rows, q.limit, (r) => ({ at: r.createdAt, id: r.id }));
      return { data: page.rows.map(toDoNotCallDto), nextCursor: page.nextCursor };
    },

    /** Adds a number (201), or answers the row already holding it (200). */
    addDoNotCall: (tenant: TenantScope, actor: Actor, body: { phone: string; reason: string }) =>
      tenant.transaction(async (t) => {
        const { row, created } = await t.doNotCall.add({ id: createId("doNotCall"), phone: body.phone, reason: body.reason, source: "manual" });
        if (created)
          await t.audit.record({
            ...auditedBy(actor),
            action: "do_not_call.added",
            targetType: "do_not_call",
            targetId: row.id,
            metadata: { source: "manual" },
          });
        return { created, entry: toDoNotCallDto(row) };
      }),

    importDoNotCall: (tenant: TenantScope, actor: Actor, body: { phones: string[]; reason: string }) =>
      tenant.transaction(async (t) => {
        const phones = [...new Set(body.phones)];
        const added = await t.doNotCall.addMany(phones.map((phone) => ({ id: createId("doNotCall"), phone, reason: body.reason, source: "import" as const })));
        await t.audit.record({
          ...auditedBy(actor),
          action: "do_not_call.imported",
          targetType: "do_not_call",
          targetId: tenant.workspaceId,
          metadata: { sent: phones.length, added },
        });
        return { sent: phones.length, added };
      }),

    removeDoNotCall: (tenant: TenantScope, actor: Actor, id: string) =>
      tenant.transaction(async (t) => {
        const row = found(await t.doNotCall.remove(id), "Do-not-call entry");
        await t.audit.record({ ...auditedBy(actor), action: "do_not_call.removed", targetType: "do_not_call", targetId: id, metadata: { source: row.source } });
      }),
  };

  async function importAndAudit(
    tenant: TenantScope,
    actor: Actor,
    campaign: CampaignRow,
    o: Pick<Parameters<typeof importCandidates>[1], "candidates" | "headerErrors" | "dryRun" | "variableColumn"> & { via: "csv" | "json" },
  ) {
    const workspace = await tenant.workspace.get();
    return tenant.transaction(async (t) => {
      const result = await importCandidates(t, {
        ...o,
        campaignId: campaign.id,
        workspaceZone: workspace?.timezone ?? "UTC",
        requiredVariables: requiredVariables(campaign),
      });
      if (!o.dryRun && result.imported > 0)
        await t.audit.record({
          ...auditedBy(actor),
          action: "campaign.contacts_imported",
          targetType: "campaign",
          targetId: campaign.id,
          metadata: { via: o.via, rows: result.rows, imported: result.imported, errors: result.errors.length },
        });
      return result;
    });
  }
}
export type CampaignsService = ReturnType<typeof createCampaignsService>;
