import type { AppConfig } from "@orbis/config";
import { AppError, commissionRuleSchema, createId, type CommissionRule, type ReferralLinkDto, type ReferralsMeDto } from "@orbis/contracts";
import { referralLinksRepository, systemRepository, type ReferralLinkRow, type Tx } from "@orbis/db";
import { attributedTouch, DAY_MS, hashSignal, newReferralCode, referralStatus, signupFlags, verifyReferralCookie } from "@orbis/referrals";
import type { ReferralDeps } from "./referral-deps.ts";

/** The programme every user refers in (seeded by migration 0016). */
const USER_PROGRAM_ID = "refer-and-earn";

const usd = (n: number) => (Number.isInteger(n) ? `$${n}` : `$${n.toFixed(2)}`);

/** How a programme pays, in one sentence for the Refer & Earn page. */
function describeRule(rule: CommissionRule): string {
  if (rule.type === "percent") return `${rule.percent} % of what they pay for ${rule.months} month${rule.months === 1 ? "" : "s"}`;
  const parts = [
    ...(rule.activationUsd > 0 ? [`${usd(rule.activationUsd)} when they make their first call`] : []),
    ...(rule.conversionUsd > 0 ? [`${usd(rule.conversionUsd)} when they first pay`] : []),
  ];
  return parts.length ? parts.join(", and ") : "no commission at the moment";
}

/** GET /v1/referrals/me, POST|GET /v1/referral-links. */
export function createReferralsService(deps: ReferralDeps) {
  const links = referralLinksRepository(deps.db.system);
  const system = systemRepository(deps.db.system);

  const toLinkDto = (row: ReferralLinkRow & { clicks: number; signups: number }): ReferralLinkDto => ({
    id: row.id,
    code: row.code,
    url: `${deps.publicBaseUrl()}/r/${row.code}`,
    campaign: row.campaign,
    programId: row.programId,
    clicks: row.clicks,
    signups: row.signups,
    createdAt: row.createdAt.toISOString(),
  });

  async function nameOf(userId: string) {
    const user = await system.findUserById(userId);
    if (!user) throw new AppError("unauthorized", "Authentication required");
    return user.name;
  }

  async function program() {
    const row = await links.findProgram(USER_PROGRAM_ID);
    if (!row) throw new Error(`referral programme ${USER_PROGRAM_ID} is missing (migration 0016 seeds it)`);
    const rule = commissionRuleSchema.safeParse(row.rule);
    return { id: row.id, name: row.name, summary: rule.success ? describeRule(rule.data) : "" };
  }

  async function linksOf(userId: string) {
    const name = await nameOf(userId);
    await links.ensureMainLink(userId, USER_PROGRAM_ID, () => newReferralCode(name));
    return (await links.linksOfUserWithCounts(userId, USER_PROGRAM_ID)).map(toLinkDto);
  }

  return {
    /** The Refer & Earn page: the user's links (the main one made on first visit), funnel, earnings, history. */
    async me(userId: string): Promise<ReferralsMeDto> {
      const userLinks = await linksOf(userId);
      const [funnel, estimated, history, summary] = await Promise.all([
        links.funnelOfUser(userId),
        links.estimatedEarningsOfUser(userId),
        links.historyOfUser(userId),
        program(),
      ]);
      return {
        links: userLinks,
        ...funnel,
        estimatedEarningsUsd: Math.round(estimated * 100) / 100,
        history: history.map((h) => ({
          workspace: h.workspace,
          signedUpAt: h.signupAt.toISOString(),
          activatedAt: h.activatedAt?.toISOString() ?? null,
          firstPaidAt: h.firstPaidAt?.toISOString() ?? null,
          status: referralStatus({ flags: (h.flags as string[]) ?? [], activatedAt: h.activatedAt, firstPaidAt: h.firstPaidAt }),
        })),
        program: summary,
      };
    },

    /** Another link of the user's, e.g. one per campaign. */
    async createLink(userId: string, campaign: string | undefined): Promise<ReferralLinkDto> {
      const name = await nameOf(userId);
      // The main link comes first, whichever the user makes first.
      await links.ensureMainLink(userId, USER_PROGRAM_ID, () => newReferralCode(name));
      const row = await links.createLink({ id: createId("referralLink"), userId, programId: USER_PROGRAM_ID, campaign: campaign ?? null }, () =>
        newReferralCode(name),
      );
      return toLinkDto({ ...row, clicks: 0, signups: 0 });
    },

    listLinks: linksOf,
  };
}
export type ReferralsService = ReturnType<typeof createReferralsService>;

/** What signup knows of the new account that attribution needs. */
interface SignupForAttribution {
  /** The `orbis_ref` cookie the browser sent, if any. */
  cookie: string | undefined;
  ip: string;
  email: string;
  workspaceId: string;
}
export type AttributeSignup = (tx: Tx, signup: SignupForAttribution) => Promise<void>;

/**
 * Attribution at signup, on the signup's own transaction: the new workspace remembers the referral link
 * of the cookie's chosen touch (first or last, within the window), with the fraud checks that matched,
 * and `referral.signed_up` is recorded on it. It runs in a savepoint and swallows its own failure: a
 * bad cookie, a deleted link or a bug here never costs a signup.
 */
export function createSignupAttribution(
  config: Pick<AppConfig, "jwtSecret" | "referrals">,
  options: { now?: () => Date; onError?: (error: unknown) => void } = {},
): AttributeSignup {
  const now = options.now ?? (() => new Date());
  return async (tx, signup) => {
    const secret = config.jwtSecret;
    if (!secret || !signup.cookie) return;
    const cookie = verifyReferralCookie(secret, signup.cookie);
    if (!cookie) return;
    const at = now();
    const touch = attributedTouch(cookie, config.referrals.attribution, config.referrals.windowDays, at);
    if (!touch) return;
    await tx
      .transaction(async (sp) => {
        const repo = referralLinksRepository(sp);
        const context = await repo.attributionContext(touch.linkId, touch.clickId);
        if (!context) return;
        const ipHash = hashSignal(secret, "ip", signup.ip);
        const flagged = signupFlags({
          email: signup.email,
          referrerEmail: context.userEmail ?? context.affiliateEmail,
          affiliateStatus: context.referrerAffiliateId ? (context.affiliateStatus ?? "rejected") : null,
          recentSignupsFromIp: await repo.signupsFromIpSince(ipHash, new Date(at.getTime() - DAY_MS)),
          clickFlagged: context.clickFlag !== null,
        });
        await repo.insertAttribution({
          workspaceId: signup.workspaceId,
          linkId: context.linkId,
          clickId: context.clickId,
          programId: context.programId,
          referrerUserId: context.referrerUserId,
          referrerAffiliateId: context.referrerAffiliateId,
          signupAt: at,
          signupIpHash: ipHash,
          flags: flagged,
        });
        await systemRepository(sp).recordEvent(signup.workspaceId, "referral.signed_up", {
          linkId: context.linkId,
          referrerUserId: context.referrerUserId,
          referrerAffiliateId: context.referrerAffiliateId,
          flagged,
        });
      })
      .catch((error: unknown) => options.onError?.(error));
  };
}
