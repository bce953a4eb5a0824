import type { PhoneNumberRow, TenantScope } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { found } from "../../lib/found.ts";

/** The workspace's practice line (the first number marked `practice`; the API keeps at most one). */
export async function practiceLineOf(tenant: TenantScope): Promise<PhoneNumberRow | undefined> {
  return (await tenant.phoneNumbers.list()).find((n) => n.purpose === "practice");
}

const toLineDto = (row: PhoneNumberRow | undefined) => ({
  phoneNumberId: row?.id ?? null,
  number: row?.number ?? null,
  provider: row?.provider ?? null,
});

/**
 * The sales practice line: one of the workspace's phone numbers, marked `purpose: practice`. Calls to
 * it are not the agent's: the carrier webhooks ask for a rep's dial-in code (docs/practice.md, "By
 * phone"). Owners and admins choose it (audited); choosing another gives the previous one back to its agent.
 */
export function createPracticePhoneLineService() {
  return {
    get: async (tenant: TenantScope) => toLineDto(await practiceLineOf(tenant)),

    async set(tenant: TenantScope, actor: Actor, phoneNumberId: string | null) {
      const line = await tenant.transaction(async (t) => {
        const target = phoneNumberId ? found(await t.phoneNumbers.get(phoneNumberId), "Phone number") : undefined;
        for (const n of await t.phoneNumbers.list()) {
          if (n.purpose === "practice" && n.id !== target?.id) await t.phoneNumbers.update(n.id, { purpose: "agent" });
        }
        const updated = target && target.purpose !== "practice" ? await t.phoneNumbers.update(target.id, { purpose: "practice" }) : target;
        await t.audit.record({
          ...auditedBy(actor),
          action: "practice_line.updated",
          targetType: "phone_number",
          targetId: target?.id ?? null,
          metadata: { number: target?.number ?? null },
        });
        return updated;
      });
      return toLineDto(line);
    },
  };
}
export type PracticePhoneLineService = ReturnType<typeof createPracticePhoneLineService>;
