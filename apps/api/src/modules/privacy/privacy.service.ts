import { createHmac } from "node:crypto";
import { verifyPassword } from "@orbis/auth";
import { AppError, e164Schema } from "@orbis/contracts";
import { phoneDigits, privacySystemRepository, systemRepository, type Database, type TenantScope, type WorkspaceExport } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { csvRows } from "../../lib/csv.ts";
import { found } from "../../lib/found.ts";
import { invalid } from "../../lib/validation.ts";
import type { LoginThrottle } from "../auth/login-throttle.ts";
import type { SessionAccessService } from "../auth/session-access.ts";
import type { CallerErasureDto, ExportQuery, PrivacySettingsDto } from "./privacy.schemas.ts";

/** Where recording files are deleted (the `RecordingStore`'s `remove`; a missing file is fine). */
interface RecordingRemover {
  remove(location: string): Promise<void>;
}

interface PrivacyServiceDeps {
  db: Database;
  recordings: RecordingRemover;
  access: SessionAccessService;
  throttle: LoginThrottle;
  /** Keys the hash of an erased number in the audit log (HMAC-SHA256), so the log cannot be reversed by guessing numbers. */
  phoneHashKey: string | Buffer;
  now?: () => Date;
}

/**
 * A caller's number as E.164: spaces, dashes, dots and brackets are dropped and a leading `00` is `+`.
 * Undefined when what is left is not E.164.
 */
export function normalisePhone(raw: string): string | undefined {
  let s = raw.trim().replace(/[\s().-]/g, "");
  if (s.startsWith("00")) s = `+${s.slice(2)}`;
  const parsed = e164Schema.safeParse(s);
  return parsed.success ? parsed.data : undefined;
}

/** A file download: the body and its headers. */
interface ExportFile {
  filename: string;
  contentType: string;
  body: string;
}

/**
 * The data lifecycle (GDPR): retention setting, export, erasing a caller, deleting the workspace or
 * one's account. Recording files are deleted before the rows that name them, so a failure leaves
 * rows pointing at missing files (harmless, retried), never files nobody knows about.
 */
export function createPrivacyService(deps: PrivacyServiceDeps) {
  const { db, recordings, access, throttle } = deps;
  const now = deps.now ?? (() => new Date());
  const system = systemRepository(db.system);

  async function removeRecordings(paths: readonly string[]) {
    const results = await Promise.allSettled([...new Set(paths)].map((p) => recordings.remove(p)));
    const failed = results.filter((r) => r.status === "rejected").length;
    if (failed > 0) throw new AppError("unavailable", `Could not delete ${failed} recording file(s); nothing else was deleted, try again`);
  }
  const phoneHash = (e164: string) => createHmac("sha256", deps.phoneHashKey).update(e164).digest("hex");

  return {
    async settings(tenant: TenantScope): Promise<PrivacySettingsDto> {
      return { retentionDays: found(await tenant.privacy.retentionDays(), "Workspace") };
    },

    updateSettings: (tenant: TenantScope, actor: Actor, retentionDays: number): Promise<PrivacySettingsDto> =>
      tenant.transaction(async (t) => {
        const before = found(await t.privacy.retentionDays(), "Workspace");
        const days = found(await t.privacy.setRetentionDays(retentionDays), "Workspace");
        await t.audit.record({
          ...auditedBy(actor),
          action: "privacy.retention_changed",
          targetType: "workspace",
          targetId: t.workspaceId,
          metadata: { from: before, to: days },
        });
        return { retentionDays: days };
      }),

    /** The workspace's data as one JSON document (a key per table), or one table as CSV; audited. */
    async export(tenant: TenantScope, actor: Actor, query: ExportQuery): Promise<ExportFile> {
      const { workspace, data } = await tenant.transaction(async (t) => {
        const workspace = found(await t.workspace.get(), "Workspace");
        const data = await t.privacy.exportAll();
        await t.audit.record({
          ...auditedBy(actor),
          action: "privacy.exported",
          targetType: "workspace",
          targetId: t.workspaceId,
          metadata: { format: query.format, ...(query.table ? { table: query.table } : {}) },
        });
        return { workspace, data };
      });
      const at = now();
      const base = `orbisvoice-export-${workspace.slug.replace(/[^a-zA-Z0-9-]/g, "-")}-${at.toISOString().slice(0, 10)}`;
      if (query.format === "csv" && query.table) {
        return { filename: `${base}-${query.table}.csv`, contentType: "text/csv; charset=utf-8", body: toCsv(data[query.table]) };
      }
      const document: { exportedAt: string } & WorkspaceExport = { exportedAt: at.toISOString(), ...data };
      return { filename: `${base}.json`, contentType: "application/json; charset=utf-8", body: JSON.stringify(document, null, 2) };
    },

    /**
     * Erases one caller's data: calls (theirs, and those placed to them), transcripts, recordings,
     * appointments, messages, texts, campaign contacts. Their do-not-call entry stays (reason cleared).
     */
    async eraseCaller(tenant: TenantScope, actor: Actor, rawPhone: string): Promise<CallerErasureDto> {
      const phone = normalisePhone(rawPhone);
      if (!phone) throw invalid("body.phone", "must be a phone number in international form, like +14155550100");
      const digits = phoneDigits(phone);
      const paths = await tenant.privacy.callerRecordingPaths(digits);
      await removeRecordings(paths);
      const result = await tenant.transaction(async (t) => {
        const r = await t.privacy.eraseCaller(digits);
        const { recordingPaths: _paths, ...removed } = r;
        await t.audit.record({
          ...auditedBy(actor),
          action: "privacy.caller_erased",
          targetType: "caller",
          targetId: null,
          // The number itself is what was erased: the log keeps only a keyed hash of it.
          metadata: { phoneHmac: phoneHash(phone), ...removed },
        });
        return r;
      });
      // A recording written between the first look and the erasure.
      const late = result.recordingPaths.filter((p) => !paths.includes(p));
      if (late.length > 0) await removeRecordings(late).catch(() => undefined);
      const { recordingPaths: _done, doNotCallKept, ...removed } = result;
      return { phone, removed, kept: { doNotCall: doNotCallKept } };
    },

    /** Deletes the workspace with everything it holds, recording files first; its sessions end. */
    async deleteWorkspace(tenant: TenantScope, confirm: string): Promise<{ workspaceId: string; name: string }> {
      const workspace = found(await tenant.workspace.get(), "Workspace");
      if (confirm.trim() !== workspace.name) throw invalid("body.confirm", "must be the workspace's name, typed exactly");
      const before = await privacySystemRepository(db.system).belongingsOf([workspace.id]);
      await removeRecordings(before.recordingPaths);
      const late = await db.system.transaction(async (tx) => {
        const repo = privacySystemRepository(tx);
        const now = await repo.belongingsOf([workspace.id]);
        await repo.deleteWorkspace(workspace.id);
        return now;
      });
      await removeRecordings(late.recordingPaths.filter((p) => !before.recordingPaths.includes(p))).catch(() => undefined);
      await access.sessionsRevoked([...before.sessions, ...late.sessions]);
      return { workspaceId: workspace.id, name: workspace.name };
    },

    /**
     * Deletes the signed-in user's account, the password checked again. Refused (409) while they are
     * the only owner of a workspace others belong to; workspaces they are alone in go with it.
     */
    async deleteAccount(actor: { userId: string; ip: string }, password: string): Promise<{ deletedWorkspaces: string[] }> {
      const user = found(await system.findUserById(actor.userId), "User");
      const done = await throttle.begin(user.email, actor.ip);
      try {
        if (!(await verifyPassword(user.passwordHash, password))) {
          await throttle.failed(user.email, actor.ip);
          throw invalid("body.password", "is not your password");
        }
        const sys = privacySystemRepository(db.system);
        const plan = await sys.accountDeletionPlan(actor.userId);
        if (plan.blocking.length > 0) throw soleOwner(plan.blocking);
        const before = await sys.belongingsOf(plan.deleted, actor.userId);
        await removeRecordings(before.recordingPaths);
        const sessions = await sys.sessionsOfUser(actor.userId);
        const late = await db.system.transaction(async (tx) => {
          const repo = privacySystemRepository(tx);
          // Membership may have changed since the plan: decide again inside the transaction.
          const final = await repo.accountDeletionPlan(actor.userId);
          if (final.blocking.length > 0) throw soleOwner(final.blocking);
          const belongings = await repo.belongingsOf(final.deleted, actor.userId);
          for (const id of final.deleted) await repo.deleteWorkspace(id);
          await repo.deleteUser(actor.userId, final.left, actor.ip);
          return { ...belongings, deleted: final.deleted };
        });
        await removeRecordings(late.recordingPaths.filter((p) => !before.recordingPaths.includes(p))).catch(() => undefined);
        await access.sessionsRevoked([...sessions, ...before.sessions, ...late.sessions]);
        return { deletedWorkspaces: late.deleted };
      } finally {
        await done();
      }
    },
  };
}
export type PrivacyService = ReturnType<typeof createPrivacyService>;

const soleOwner = (workspaces: { id: string; name: string }[]) =>
  new AppError(
    "conflict",
    `You are the only owner of ${workspaces.map((w) => `"${w.name}"`).join(", ")}, which other members belong to: make another member an owner, or delete the workspace, first`,
    { workspaces },
  );

/** A table as CSV: a header of every column, then a row per object (objects in cells as JSON). */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return csvRows([columns, ...rows.map((r) => columns.map((c) => r[c]))]);
}
