import { createId } from "@orbis/contracts";
import { referralLinksRepository, sqlStateOf } from "@orbis/db";
import {
  clickFlag,
  CLICK_BURST_PER_HOUR,
  HOUR_MS,
  hashSignal,
  isReferralCode,
  newVisitorId,
  safeLandingPath,
  signReferralCookie,
  verifyReferralCookie,
  withTouch,
} from "@orbis/referrals";
import type { ReferralDeps } from "./referral-deps.ts";

/** What a click on `/r/:code` carries that matters. */
interface ReferralClickRequest {
  code: string;
  /** `?to=`: where the visitor wants to land (kept only if it is a path of this site). */
  to: unknown;
  /** The `orbis_ref` cookie the browser already has, if any. */
  cookie: string | undefined;
  ip: string;
  userAgent: string;
  referer: string | undefined;
}

/** Where to send the visitor, and the cookie to set (none for an unknown code). */
interface ReferralClickResult {
  location: string;
  cookie?: { value: string; maxAgeSec: number };
}

const REFERER_MAX = 500;
const FOREIGN_KEY_VIOLATION = "23503";
/** Links looked up by code are remembered this long: a click then costs one count and one insert. */
const LINK_CACHE_MS = 60_000;
const LINK_CACHE_MAX = 10_000;

/** GET /r/:code — records the click, sets the first-party cookie, redirects. */
export function createReferralRedirectService(deps: ReferralDeps) {
  const secret = deps.config.jwtSecret;
  if (!secret) throw new Error("config.jwtSecret is required (it signs the referral cookie and hashes visitors' addresses)");
  const links = referralLinksRepository(deps.db.system);
  const now = deps.now ?? (() => new Date());
  const windowMs = deps.config.referrals.windowDays * 86_400_000;
  const maxAgeSec = deps.config.referrals.windowDays * 86_400;
  // Known codes only (an unknown one is looked up each time, so made-up codes cannot fill it); a link
  // deleted meanwhile fails the click's insert on its foreign key, which forgets it.
  const linkIds = new Map<string, { id: string; until: number }>();
  async function linkIdOf(code: string): Promise<string | undefined> {
    const cached = linkIds.get(code);
    if (cached && cached.until > Date.now()) return cached.id;
    const link = await links.findLinkByCode(code);
    if (!link) return undefined;
    if (linkIds.size >= LINK_CACHE_MAX) linkIds.clear();
    linkIds.set(code, { id: link.id, until: Date.now() + LINK_CACHE_MS });
    return link.id;
  }

  return {
    /** Like the session cookie: Secure whenever the platform is served over https. */
    secureCookie: deps.config.env === "production" || (deps.config.publicBaseUrl ?? "").startsWith("https://"),
    /** Requests per minute and IP the route accepts (it is public): the unauthenticated budget. */
    perMinute: deps.config.rateLimitPerMinute,

    /**
     * One click: an unknown code goes to the home page and leaves no trace; a known one is recorded —
     * one indexed count for the burst rule, one insert — and remembered in the cookie. A burst click is
     * stored flagged (out of the funnels) and redirected all the same.
     */
    async click(request: ReferralClickRequest): Promise<ReferralClickResult> {
      if (!isReferralCode(request.code)) return { location: "/" };
      const linkId = await linkIdOf(request.code);
      if (!linkId) return { location: "/" };
      const location = safeLandingPath(request.to);
      const previous = verifyReferralCookie(secret, request.cookie);
      const visitorId = previous?.visitorId ?? newVisitorId();
      const at = now();
      const ipHash = hashSignal(secret, "ip", request.ip);
      const counts = await links.recentClickCounts({
        ipHash,
        linkId,
        visitorId: previous ? visitorId : null,
        since: new Date(at.getTime() - HOUR_MS),
        cap: CLICK_BURST_PER_HOUR,
      });
      const clickId = createId("referralClick");
      const inserted = await links
        .insertClick({
          id: clickId,
          linkId,
          visitorId,
          occurredAt: at,
          referrer: request.referer ? request.referer.slice(0, REFERER_MAX) : null,
          ipHash,
          uaHash: hashSignal(secret, "ua", request.userAgent),
          landingPath: location,
          flag: clickFlag(counts),
        })
        .then(
          () => true,
          (error: unknown) => {
            if (sqlStateOf(error) !== FOREIGN_KEY_VIOLATION) throw error;
            linkIds.delete(request.code);
            return false;
          },
        );
      if (!inserted) return { location: "/" };
      const cookie = withTouch(previous, visitorId, { linkId, clickId, at: at.getTime() }, windowMs);
      return { location, cookie: { value: signReferralCookie(secret, cookie), maxAgeSec } };
    },
  };
}
export type ReferralRedirectService = ReturnType<typeof createReferralRedirectService>;
