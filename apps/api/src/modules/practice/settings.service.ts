import { AppError, createId } from "@orbis/contracts";
import type { PracticePriceRow, TenantScope } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";

/** A price may start this long before the request arrives (clock skew), never earlier. */
const PAST_TOLERANCE_MS = 60_000;

const toPriceDto = (row: PracticePriceRow) => ({
  id: row.id,
  pricePerMinuteUsd: row.pricePerMinuteUsd,
  effectiveFrom: row.effectiveFrom.toISOString(),
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
});

/**
 * The workspace's practice settings (recording, how long transcripts are kept) and its price per
 * minute, kept as a history: a new price is a new row from a time on, never an edit, and a session
 * stores the price in force when it starts, so a later price never rewrites what a past session cost.
 * Owners and admins change them (audited).
 */
export function createPracticeSettingsService(deps: { now: () => Date }) {
  return {
    async get(tenant: TenantScope) {
      const [settings, price] = await Promise.all([tenant.practice.settings(), tenant.practice.priceAt(deps.now())]);
      return { ...settings, pricePerMinuteUsd: price?.pricePerMinuteUsd ?? null };
    },

    async update(tenant: TenantScope, actor: Actor, patch: { recordSessions?: boolean | undefined; transcriptRetentionDays?: number | undefined }) {
      const changes = {
        ...(patch.recordSessions !== undefined ? { recordSessions: patch.recordSessions } : {}),
        ...(patch.transcriptRetentionDays !== undefined ? { transcriptRetentionDays: patch.transcriptRetentionDays } : {}),
      };
      await tenant.transaction(async (t) => {
        const before = await t.practice.settings();
        const after = await t.practice.updateSettings(changes);
        await t.audit.record({
          ...auditedBy(actor),
          action: "practice.settings_updated",
          targetType: "workspace",
          targetId: tenant.workspaceId,
          metadata: { before, after },
        });
      });
      return this.get(tenant);
    },

    prices: async (tenant: TenantScope) => ({ data: (await tenant.practice.prices()).map(toPriceDto) }),

    async setPrice(tenant: TenantScope, actor: Actor, input: { pricePerMinuteUsd: number; effectiveFrom?: string | undefined }) {
      const now = deps.now();
      const effectiveFrom = input.effectiveFrom ? new Date(input.effectiveFrom) : now;
      if (effectiveFrom.getTime() < now.getTime() - PAST_TOLERANCE_MS)
        throw new AppError(
          "validation_failed",
          "body.effectiveFrom: a price cannot start in the past (sessions already started keep the price they started with)",
          [{ path: "body.effectiveFrom", message: "must not be in the past" }],
        );
      const row = await tenant.transaction(async (t) => {
        const inserted = await t.practice.insertPrice({
          id: createId("practicePrice"),
          pricePerMinuteUsd: input.pricePerMinuteUsd,
          effectiveFrom,
          createdBy: actor.actorUserId,
        });
        await t.audit.record({
          ...auditedBy(actor),
          action: "practice.price_set",
          targetType: "practice_price",
          targetId: inserted.id,
          metadata: { pricePerMinuteUsd: inserted.pricePerMinuteUsd, effectiveFrom: inserted.effectiveFrom.toISOString() },
        });
        return inserted;
      });
      return toPriceDto(row);
    },
  };
}
export type PracticeSettingsService = ReturnType<typeof createPracticeSettingsService>;
