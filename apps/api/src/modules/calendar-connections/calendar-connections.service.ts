import { z } from "zod";
import { AppError, businessConfigSchema, createId } from "@orbis/contracts";
import type { Cache } from "@orbis/cache";
import {
  CALENDAR_PROVIDERS,
  CalendarApiError,
  CalendarAuthError,
  createOAuthState,
  createPkcePair,
  providerName,
  type CalendarConnections,
  type CalendarProviderId,
  type ExternalCalendar,
} from "@orbis/calendars";
import type { CalendarChoice, CalendarConnectionRow, TenantScope } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { found } from "../../lib/found.ts";
import { invalid } from "../../lib/validation.ts";
import { toCalendarConnectionDto } from "./calendar-connections.mappers.ts";

/** How long an authorization started on the dashboard may take to come back (the PKCE verifier is kept that long). */
const STATE_TTL_SEC = 600;
const stateKey = (state: string) => `calendar-oauth:${state}`;

/** What is kept server-side for one authorization: who started it, for what, and the PKCE verifier. */
const pendingSchema = z.object({
  workspaceId: z.string(),
  userId: z.string(),
  provider: z.enum(CALENDAR_PROVIDERS),
  staffId: z.string().nullable(),
  verifier: z.string(),
});

export interface CalendarConnectionsServiceDeps {
  calendars: CalendarConnections;
  cache: Cache;
  publicBaseUrl: () => string;
  now?: () => Date;
}

/** Blocking and booking choices carried over a refreshed calendar list; a new connection blocks and books into its primary calendar. */
function choicesOf(calendars: ExternalCalendar[], before: CalendarChoice[] | undefined): CalendarChoice[] {
  return calendars.map((c) => ({ ...c, blocks: before ? (before.find((b) => b.id === c.id)?.blocks ?? false) : c.primary }));
}

/** Agents read for their staff lists (a workspace has a handful; the plan caps them well below this). */
const MAX_AGENTS_READ = 500;

/**
 * The staff members a connection can belong to: every staff member in the business settings of the
 * workspace's agents (one entry per id, the agents that list them), by name.
 */
async function staffOf(tenant: TenantScope): Promise<{ id: string; name: string; agents: string[] }[]> {
  const byId = new Map<string, { id: string; name: string; agents: string[] }>();
  for (const agent of await tenant.agents.list(MAX_AGENTS_READ)) {
    const parsed = businessConfigSchema.safeParse(agent.business);
    if (!parsed.success) continue;
    for (const s of parsed.data.staff) {
      const entry = byId.get(s.id) ?? { id: s.id, name: s.name || s.id, agents: [] };
      entry.agents.push(agent.name);
      byId.set(s.id, entry);
    }
  }
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** A staff id the business settings know (null, the whole business, always is): a 422 on `path` otherwise. */
async function assertKnownStaff(tenant: TenantScope, staffId: string | null | undefined, path: string): Promise<void> {
  if (!staffId) return;
  if (!(await staffOf(tenant)).some((s) => s.id === staffId))
    throw invalid(path, `no staff member ${staffId} in the business settings of this workspace's agents`);
}

/** A provider's refusal is the member's to act on (409: connect again); its outage is a 503. */
async function providerCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CalendarAuthError || (err instanceof CalendarApiError && !err.retryable)) throw new AppError("conflict", err.message);
    if (err instanceof CalendarApiError) throw new AppError("unavailable", err.message);
    throw err;
  }
}

export function createCalendarConnectionsService(deps: CalendarConnectionsServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const redirectUri = (provider: CalendarProviderId) => `${deps.publicBaseUrl().replace(/\/$/, "")}/v1/calendar-connections/${provider}/callback`;
  const userOf = (actor: Actor) => {
    if (!actor.actorUserId)
      throw new AppError("forbidden", "Connecting a calendar needs a signed-in member (the provider's consent screen is in their browser), not an API key");
    return actor.actorUserId;
  };
  const rowOrThrow = async (tenant: TenantScope, id: string) => found(await tenant.calendarConnections.get(id), "Calendar connection");

  return {
    async list(tenant: TenantScope) {
      const configured = deps.calendars.configured();
      const rows = await tenant.calendarConnections.list();
      const staff = await staffOf(tenant);
      return {
        providers: CALENDAR_PROVIDERS.map((id) => ({ id, name: providerName(id), configured: configured[id] })),
        connections: rows.map(toCalendarConnectionDto),
        staff,
      };
    },

    /** The provider's consent page, with a state bound to this workspace and user and the PKCE challenge; the verifier stays here. */
    async start(tenant: TenantScope, actor: Actor, provider: CalendarProviderId, body: { staffId?: string | null | undefined }) {
      const vendor = deps.calendars.vendorOf(provider);
      const userId = userOf(actor);
      await assertKnownStaff(tenant, body.staffId, "body.staffId");
      const state = createOAuthState();
      const { verifier, challenge } = createPkcePair();
      const pending: z.infer<typeof pendingSchema> = { workspaceId: tenant.workspaceId, userId, provider, staffId: body.staffId ?? null, verifier };
      await deps.cache.set(stateKey(state), JSON.stringify(pending), STATE_TTL_SEC);
      const authorizationUrl = await vendor.authorizationUrl({ state, codeChallenge: challenge, redirectUri: redirectUri(provider) });
      return { authorizationUrl, expiresAt: new Date(now().getTime() + STATE_TTL_SEC * 1000).toISOString() };
    },

    /**
     * The provider sent the member back: the state must be one this workspace and user started (used
     * once), the code is exchanged with the PKCE verifier, and the refresh token is stored sealed.
     */
    async complete(
      tenant: TenantScope,
      actor: Actor,
      provider: CalendarProviderId,
      query: { state: string; code?: string | undefined; error?: string | undefined },
    ) {
      const userId = userOf(actor);
      const raw = await deps.cache.get(stateKey(query.state));
      const parsed = raw ? pendingSchema.safeParse(JSON.parse(raw)) : undefined;
      const pending = parsed?.success ? parsed.data : undefined;
      if (!pending || pending.workspaceId !== tenant.workspaceId || pending.userId !== userId || pending.provider !== provider) {
        throw invalid("query.state", "unknown or expired authorization: start connecting the calendar again");
      }
      await deps.cache.del(stateKey(query.state));
      if (query.error) throw new AppError("conflict", `${providerName(provider)} did not grant access (${query.error})`);
      if (!query.code) throw invalid("query.code", "required");
      const vendor = deps.calendars.vendorOf(provider);
      const code = query.code;
      const tokens = await providerCall(() => vendor.exchangeCode({ code, codeVerifier: pending.verifier, redirectUri: redirectUri(provider) }));
      if (!tokens.refreshToken)
        throw new AppError(
          "conflict",
          `${providerName(provider)} gave no refresh token: remove OrbisVoice from the account's connected apps and connect again`,
        );
      const [accountEmail, calendars] = await providerCall(() =>
        Promise.all([vendor.accountEmail(tokens.accessToken), vendor.listCalendars(tokens.accessToken)]),
      );
      const choices = choicesOf(calendars, undefined);
      const id = createId("calendarConnection");
      const row = await tenant.transaction(async (t) => {
        const inserted = await t.calendarConnections.insert({
          id,
          provider,
          userId,
          staffId: pending.staffId,
          accountEmail,
          tokens: deps.calendars.seal(t.workspaceId, id, { refreshToken: tokens.refreshToken!, accessToken: tokens.accessToken }),
          accessExpiresAt: tokens.expiresAt,
          calendars: choices,
          bookingCalendarId: choices.find((c) => c.primary)?.id ?? null,
        });
        await t.audit.record({
          ...auditedBy(actor),
          action: "calendar_connection.created",
          targetType: "calendar_connection",
          targetId: id,
          metadata: { provider, staffId: pending.staffId },
        });
        return inserted;
      });
      deps.calendars.invalidate(tenant.workspaceId);
      return toCalendarConnectionDto(row);
    },

    /** The account's calendars as the provider lists them now, with the choices made. */
    async calendars(tenant: TenantScope, id: string) {
      const row = await rowOrThrow(tenant, id);
      const listed = await providerCall(() => deps.calendars.withAccess(tenant, row, (token, vendor) => vendor.listCalendars(token)));
      const choices = choicesOf(listed, row.calendars);
      const bookingCalendarId = row.bookingCalendarId && choices.some((c) => c.id === row.bookingCalendarId) ? row.bookingCalendarId : null;
      await tenant.calendarConnections.update(id, { calendars: choices, bookingCalendarId, status: "active", lastError: null });
      deps.calendars.invalidate(tenant.workspaceId, id);
      return { calendars: choices, bookingCalendarId };
    },

    async update(
      tenant: TenantScope,
      actor: Actor,
      id: string,
      body: { blockingCalendarIds?: string[] | undefined; bookingCalendarId?: string | null | undefined; staffId?: string | null | undefined },
    ) {
      const row = await rowOrThrow(tenant, id);
      const known = new Set(row.calendars.map((c) => c.id));
      const unknown = body.blockingCalendarIds?.findIndex((c) => !known.has(c)) ?? -1;
      if (unknown >= 0)
        throw invalid(`body.blockingCalendarIds.${unknown}`, "not a calendar of this account (GET /v1/calendar-connections/:id/calendars lists them)");
      if (body.bookingCalendarId && !known.has(body.bookingCalendarId)) throw invalid("body.bookingCalendarId", "not a calendar of this account");
      await assertKnownStaff(tenant, body.staffId, "body.staffId");
      const blocking = body.blockingCalendarIds && new Set(body.blockingCalendarIds);
      const updated = await tenant.transaction(async (t) => {
        const next = await t.calendarConnections.update(id, {
          ...(blocking ? { calendars: row.calendars.map((c) => ({ ...c, blocks: blocking.has(c.id) })) } : {}),
          ...(body.bookingCalendarId !== undefined ? { bookingCalendarId: body.bookingCalendarId } : {}),
          ...(body.staffId !== undefined ? { staffId: body.staffId } : {}),
        });
        await t.audit.record({
          ...auditedBy(actor),
          action: "calendar_connection.updated",
          targetType: "calendar_connection",
          targetId: id,
          metadata: { ...body },
        });
        return next!;
      });
      deps.calendars.invalidate(tenant.workspaceId, id);
      return toCalendarConnectionDto(updated);
    },

    /** Revokes the grant where the provider can (Google), then forgets the tokens; our events stay in their calendar. */
    async remove(tenant: TenantScope, actor: Actor, id: string, log?: { warn(obj: object, msg?: string): void }) {
      const row: CalendarConnectionRow = await rowOrThrow(tenant, id);
      let revoked = false;
      try {
        const vendor = deps.calendars.vendorOf(row.provider);
        revoked = await vendor.revoke(await deps.calendars.refreshTokenOf(row));
      } catch (err) {
        log?.warn({ connectionId: id, err: err instanceof Error ? err.message : String(err) }, "calendar revocation failed; the connection is removed anyway");
      }
      await tenant.transaction(async (t) => {
        await t.calendarConnections.delete(id);
        await t.audit.record({
          ...auditedBy(actor),
          action: "calendar_connection.deleted",
          targetType: "calendar_connection",
          targetId: id,
          metadata: { provider: row.provider, revoked },
        });
      });
      deps.calendars.invalidate(tenant.workspaceId, id);
      return { revoked };
    },
  };
}
export type CalendarConnectionsService = ReturnType<typeof createCalendarConnectionsService>;
