import { AppError, createId, notFound, type createPhoneNumberBodySchema, type updatePhoneNumberBodySchema } from "@orbis/contracts";
import { sqlStateOf, type TenantRepositories, type TenantScope } from "@orbis/db";
import type { z } from "zod";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { found } from "../../lib/found.ts";
import type { PlanLimits } from "../billing/plan-limits.ts";
import type { FeatureGate } from "../features/features.service.ts";
import { toPhoneNumberDto, toPhoneNumberListItem } from "./phone-numbers.mappers.ts";

/** How far back the list looks for a number's last carrier event. */
const LAST_EVENT_WINDOW_MS = 90 * 24 * 3600_000;

type CreatePhoneNumberBody = z.infer<typeof createPhoneNumberBodySchema>;
type UpdatePhoneNumberBody = z.infer<typeof updatePhoneNumberBodySchema>;

async function agentOrThrow(t: TenantRepositories, agentId: string | null | undefined) {
  if (agentId && !(await t.agents.get(agentId))) throw notFound("Agent");
}

/** A number is one workspace's: the carrier sends only the dialled number, so it must resolve to one tenant. */
function conflictOnDuplicate(error: unknown): never {
  if (sqlStateOf(error) === "23505") throw new AppError("conflict", "This number is already connected to a workspace");
  throw error;
}

export interface PhoneNumbersServiceOptions {
  /** The server's public base URL (PUBLIC_BASE_URL, else the local address): carriers reach the gateway there. */
  publicBaseUrl: () => string;
  /** Whether PUBLIC_BASE_URL is set: without it the URLs point at this machine and a carrier cannot reach them. */
  publicBaseUrlSet: boolean;
  /** The plan's phone number limit; without it, no limit. */
  limits?: PlanLimits;
  /** The plan's features (`phone_numbers`); without it, connecting numbers is not gated. */
  features?: FeatureGate;
}

/** What to paste into each carrier's console: the webhook URLs and the media stream the webhook answers with. */
function carrierSetupOf(base: string, publicBaseUrlSet: boolean) {
  const http = base.replace(/\/$/, "");
  const ws = http.replace(/^http/, "ws");
  return {
    publicBaseUrl: http,
    publicBaseUrlSet,
    twilio: {
      voiceUrl: `${http}/v1/telephony/twilio/voice`,
      statusCallbackUrl: `${http}/v1/telephony/twilio/status`,
      mediaStreamUrl: `${ws}/v1/telephony/twilio/media`,
    },
    telnyx: {
      webhookUrl: `${http}/v1/telephony/telnyx/webhook`,
      mediaStreamUrl: `${ws}/v1/telephony/telnyx/media`,
    },
  };
}

/** The workspace's carrier numbers. Every change commits together with its audit row, or neither does. */
export function createPhoneNumbersService(options: PhoneNumbersServiceOptions) {
  return {
    setup: () => carrierSetupOf(options.publicBaseUrl(), options.publicBaseUrlSet),

    /** The numbers, each with the last carrier webhook of its calls in the last 90 days. */
    async list(tenant: TenantScope) {
      const [rows, events] = await Promise.all([tenant.phoneNumbers.list(), tenant.phoneNumbers.lastEvents(new Date(Date.now() - LAST_EVENT_WINDOW_MS))]);
      const byNumber = new Map(events.map((e) => [e.phoneNumberId, e]));
      return rows.map((r) => toPhoneNumberListItem(r, byNumber.get(r.id)));
    },

    get: async (tenant: TenantScope, id: string) => toPhoneNumberDto(found(await tenant.phoneNumbers.get(id), "Phone number")),

    async create(tenant: TenantScope, actor: Actor, body: CreatePhoneNumberBody) {
      return tenant.transaction(async (t) => {
        await agentOrThrow(t, body.agentId);
        await options.limits?.assertCanAdd(t, "phoneNumbers");
        // After the count: a plan that includes no numbers says so with its limit. Numbers already connected keep working.
        await options.features?.assertEnabled(t, "phone_numbers");
        const row = await t.phoneNumbers.insert({ id: createId("phoneNumber"), ...body }).catch(conflictOnDuplicate);
        await t.audit.record({
          ...auditedBy(actor),
          action: "phone_number.created",
          targetType: "phone_number",
          targetId: row.id,
          metadata: { number: row.number, provider: row.provider },
        });
        return toPhoneNumberDto(row);
      });
    },

    async update(tenant: TenantScope, actor: Actor, id: string, patch: UpdatePhoneNumberBody) {
      return tenant.transaction(async (t) => {
        await agentOrThrow(t, patch.agentId);
        const row = found(await t.phoneNumbers.update(id, patch), "Phone number");
        await t.audit.record({ ...auditedBy(actor), action: "phone_number.updated", targetType: "phone_number", targetId: row.id });
        return toPhoneNumberDto(row);
      });
    },

    async remove(tenant: TenantScope, actor: Actor, id: string) {
      await tenant.transaction(async (t) => {
        if (!(await t.phoneNumbers.remove(id))) throw notFound("Phone number");
        await t.audit.record({ ...auditedBy(actor), action: "phone_number.deleted", targetType: "phone_number", targetId: id });
      });
    },
  };
}
export type PhoneNumbersService = ReturnType<typeof createPhoneNumbersService>;
