import { AppError } from "@orbis/contracts";
import { createCredentialCipher } from "@orbis/credentials";
import type { CalendarConnectionRow, TenantScope } from "@orbis/db";
import { googleCalendarVendor, type GoogleCalendarConfig } from "./google.ts";
import { microsoftCalendarVendor, type MicrosoftCalendarConfig } from "./microsoft.ts";
import { CalendarAuthError, type CalendarProviderId, type CalendarVendor, type OAuthTokens } from "./vendor.ts";

/** `config.calendars` of @orbis/config: a provider is there when the operator set its client id and secret. */
export interface CalendarsConfig {
  google?: GoogleCalendarConfig | undefined;
  microsoft?: MicrosoftCalendarConfig | undefined;
}

export interface CalendarConnectionsDeps {
  config: CalendarsConfig;
  /** ENCRYPTION_KEY: seals the refresh and access tokens at rest. */
  encryptionKey: Buffer | undefined;
  now?: () => Date;
  /** How long a connection's free/busy answer for one range is reused (default 60 s). */
  busyTtlMs?: number;
  log?: { warn(obj: object, msg?: string): void };
}

/** A busy time from a connected calendar; staffId null: the whole business is busy. */
export interface ExternalBusyTime {
  start: string;
  end: string;
  staffId: string | null;
  provider: CalendarProviderId;
}

interface SealedTokens {
  refreshToken: string;
  accessToken: string;
}

const PROVIDER_NAMES: Record<CalendarProviderId, string> = { google: "Google Calendar", microsoft: "Microsoft 365 calendar" };
const PROVIDER_ENV: Record<CalendarProviderId, string> = {
  google: "GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET",
  microsoft: "MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET",
};
/** An access token this close to its expiry is refreshed before use. */
const EXPIRY_MARGIN_MS = 60_000;
/** Whether a workspace has any connection at all is remembered this long (most have none). */
const PRESENCE_TTL_MS = 10_000;
const MAX_CACHED_RANGES = 2000;

export const providerName = (p: CalendarProviderId) => PROVIDER_NAMES[p];

/**
 * The workspace's connected calendars: their providers, sealed tokens (refreshed when expired), the
 * free/busy they add to availability (with a short cache, re-asked fresh at booking time) and the
 * events our appointments write into them.
 */
export function createCalendarConnections(deps: CalendarConnectionsDeps) {
  const now = deps.now ?? (() => new Date());
  const cipher = createCredentialCipher(deps.encryptionKey);
  const busyTtl = deps.busyTtlMs ?? 60_000;
  const vendors: Partial<Record<CalendarProviderId, CalendarVendor>> = {
    ...(deps.config.google ? { google: googleCalendarVendor(deps.config.google) } : {}),
    ...(deps.config.microsoft ? { microsoft: microsoftCalendarVendor(deps.config.microsoft) } : {}),
  };
  const anyProvider = Object.keys(vendors).length > 0;
  const presence = new Map<string, { has: boolean; until: number }>();
  const busyCache = new Map<string, { times: ExternalBusyTime[]; until: number; generation: number }>();
  const generations = new Map<string, number>();

  const aad = (workspaceId: string, connectionId: string) => `calendar-connection:${workspaceId}:${connectionId}`;
  const seal = (workspaceId: string, connectionId: string, tokens: SealedTokens) => cipher.encrypt(tokens, aad(workspaceId, connectionId));
  const open = (row: CalendarConnectionRow) => cipher.decrypt(row.tokens, aad(row.workspaceId, row.id)) as SealedTokens;

  function vendorOf(provider: CalendarProviderId): CalendarVendor {
    const vendor = vendors[provider];
    if (!vendor) throw new AppError("conflict", `${PROVIDER_NAMES[provider]} is not configured on this server (the operator sets ${PROVIDER_ENV[provider]})`);
    return vendor;
  }

  async function recordError(tenant: TenantScope, row: CalendarConnectionRow, message: string, auth: boolean) {
    await tenant.calendarConnections.update(row.id, { lastError: message.slice(0, 500), ...(auth ? { status: "error" as const } : {}) });
  }

  /** The connection's access token, refreshed (and stored sealed again) when it is about to expire. */
  async function accessToken(tenant: TenantScope, row: CalendarConnectionRow, force = false): Promise<string> {
    const sealed = open(row);
    if (!force && row.accessExpiresAt && row.accessExpiresAt.getTime() - EXPIRY_MARGIN_MS > now().getTime()) return sealed.accessToken;
    let fresh: OAuthTokens;
    try {
      fresh = await vendorOf(row.provider).refresh(sealed.refreshToken);
    } catch (err) {
      if (err instanceof CalendarAuthError) await recordError(tenant, row, err.message, true);
      throw err;
    }
    const tokens = { refreshToken: fresh.refreshToken ?? sealed.refreshToken, accessToken: fresh.accessToken };
    const patch = { tokens: seal(row.workspaceId, row.id, tokens), accessExpiresAt: fresh.expiresAt ?? new Date(now().getTime() + 3600_000) };
    await tenant.calendarConnections.update(row.id, patch);
    Object.assign(row, patch);
    return tokens.accessToken;
  }

  /** Runs `fn` with a valid access token; a 401 (token revoked early) refreshes once and tries again. */
  async function withAccess<T>(tenant: TenantScope, row: CalendarConnectionRow, fn: (token: string, vendor: CalendarVendor) => Promise<T>): Promise<T> {
    const vendor = vendorOf(row.provider);
    try {
      return await fn(await accessToken(tenant, row), vendor);
    } catch (err) {
      if (!(err instanceof CalendarAuthError)) throw err;
      return fn(await accessToken(tenant, row, true), vendor);
    }
  }

  const blocking = (row: CalendarConnectionRow) => row.calendars.filter((c) => c.blocks).map((c) => c.id);

  async function busyOf(tenant: TenantScope, row: CalendarConnectionRow, from: Date, to: Date, fresh: boolean): Promise<ExternalBusyTime[]> {
    const key = `${row.id}|${from.getTime()}|${to.getTime()}`;
    const cached = busyCache.get(key);
    if (!fresh && cached && cached.until > Date.now() && cached.generation === generations.get(row.id)) return cached.times;
    const calendarIds = blocking(row);
    const defaultCalendarId = row.calendars.find((c) => c.primary)?.id;
    const times = await withAccess(tenant, row, (token, vendor) =>
      vendor.busy(token, { calendarIds, from, to, accountEmail: row.accountEmail, defaultCalendarId }),
    );
    const out = times.map((t) => ({ start: t.start.toISOString(), end: t.end.toISOString(), staffId: row.staffId, provider: row.provider }));
    // The newest answer wins: answers cached for other ranges of this connection are older, so no longer used.
    const generation = (generations.get(row.id) ?? 0) + 1;
    generations.set(row.id, generation);
    if (busyCache.size >= MAX_CACHED_RANGES) busyCache.delete(busyCache.keys().next().value!);
    busyCache.set(key, { times: out, until: Date.now() + busyTtl, generation });
    return out;
  }

  return {
    configured: (): Record<CalendarProviderId, boolean> => ({ google: vendors.google !== undefined, microsoft: vendors.microsoft !== undefined }),
    vendorOf,
    seal,
    /** The refresh token in clear: for the revocation on disconnect. */
    refreshTokenOf: (row: CalendarConnectionRow) => open(row).refreshToken,
    accessToken,
    withAccess,
    /** Forget what is cached for the workspace (a connection was added, changed or removed). */
    invalidate(workspaceId: string, connectionId?: string) {
      presence.delete(workspaceId);
      if (connectionId) generations.set(connectionId, (generations.get(connectionId) ?? 0) + 1);
    },
    /**
     * Busy times of the workspace's connected calendars that block availability. A provider that
     * fails is left out (its error shown on the connection): an outage there must not stop bookings.
     * `fresh` skips the cache: the re-check when a booking is written.
     */
    async busy(tenant: TenantScope, range: { from: string; to: string }, options: { fresh?: boolean } = {}): Promise<ExternalBusyTime[]> {
      if (!anyProvider) return [];
      const known = presence.get(tenant.workspaceId);
      if (known && !known.has && known.until > Date.now()) return [];
      const rows = await tenant.calendarConnections.list();
      presence.set(tenant.workspaceId, { has: rows.length > 0, until: Date.now() + PRESENCE_TTL_MS });
      const from = new Date(range.from);
      const to = new Date(range.to);
      const usable = rows.filter((r) => r.status === "active" && vendors[r.provider] && blocking(r).length > 0);
      const answers = await Promise.all(
        usable.map(async (row) => {
          try {
            return await busyOf(tenant, row, from, to, options.fresh === true);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            deps.log?.warn({ workspaceId: row.workspaceId, connectionId: row.id, err: message }, "calendar free/busy failed");
            await recordError(tenant, row, message, err instanceof CalendarAuthError).catch(() => undefined);
            return [];
          }
        }),
      );
      return answers.flat();
    },
  };
}
export type CalendarConnections = ReturnType<typeof createCalendarConnections>;
