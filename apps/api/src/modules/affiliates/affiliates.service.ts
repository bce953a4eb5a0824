import { createHash, randomBytes } from "node:crypto";
import { AppError, commissionRuleSchema, createId, type AffiliateSignup, type CommissionRule, type ReferralLinkDto } from "@orbis/contracts";
import { affiliatesRepository, type AffiliateRow, type AffiliateTokenPurpose } from "@orbis/db";
import { hashSignal, newReferralCode } from "@orbis/referrals";
import { invalid } from "../../lib/validation.ts";
import type { ReferralDeps } from "../referrals/referral-deps.ts";
import { createAffiliateSessions } from "./affiliate-session.ts";
import { AFFILIATE_PROGRAM_ID, affiliateTermsText, describeCommission } from "./affiliate-terms.ts";
import { toAffiliateDto, toEarningsDto, toLinkDto, toPayoutDto } from "./affiliates.mappers.ts";
import type { AffiliateMe, AffiliateTerms } from "./affiliates.schemas.ts";

/** A verification link works once, for a day; a sign-in link once, for half an hour. */
const TOKEN_TTL_MS: Record<AffiliateTokenPurpose, number> = { verify: 24 * 3600 * 1000, login: 30 * 60 * 1000 };
/** Draws of a new link code before giving up (a collision of ~30 random bits is already rare). */
const CODE_ATTEMPTS = 5;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");
/** Addresses are compared as typed, without case or surrounding spaces (as users' addresses are). */
const normalEmail = (email: string) => email.trim().toLowerCase();

/**
 * The public affiliate programme (`/v1/affiliates/*`): signup with recorded terms and email
 * verification, sign-in by emailed link, and the affiliate's dashboard. Affiliates are not users: their
 * session is a cookie of its own (`orbis_affiliate`), never accepted by the dashboard and vice versa.
 * Whether an address is registered is never revealed: signup and sign-in answer the same either way.
 */
export function createAffiliatesService(deps: ReferralDeps) {
  const { db, config, email, publicBaseUrl } = deps;
  const now = deps.now ?? (() => new Date());
  if (!config.jwtSecret) throw new Error("config.jwtSecret is required (it signs affiliate sessions)");
  const secret = config.jwtSecret;
  const sessions = createAffiliateSessions(secret, now);
  const repo = affiliatesRepository(db.system);

  async function program(): Promise<{ name: string; rule: CommissionRule; holdDays: number }> {
    const row = await repo.program(AFFILIATE_PROGRAM_ID);
    if (!row) throw new AppError("unavailable", "The affiliate programme is not set up");
    return { name: row.name, rule: commissionRuleSchema.parse(row.rule), holdDays: row.holdDays };
  }

  /** A fresh one-time link of `purpose` to the affiliate's address; earlier unused ones of that purpose stop working. */
  async function sendLink(affiliate: AffiliateRow, purpose: AffiliateTokenPurpose): Promise<void> {
    const token = randomBytes(32).toString("base64url");
    const tokenHash = hashToken(token);
    const at = now();
    await db.system.transaction(async (tx) => {
      const r = affiliatesRepository(tx);
      await r.cancelTokens(affiliate.id, purpose, at);
      await r.insertToken({ tokenHash, affiliateId: affiliate.id, purpose, expiresAt: new Date(at.getTime() + TOKEN_TTL_MS[purpose]) });
    });
    const path = purpose === "verify" ? "verify" : "sign-in";
    await email.send({
      template: purpose === "verify" ? "affiliate_verify" : "affiliate_login",
      data: { name: affiliate.name, url: `${publicBaseUrl()}/affiliates/${path}?token=${token}` },
      to: affiliate.email,
      idempotencyKey: `affiliate-${purpose}:${tokenHash.slice(0, 32)}`,
      workspaceId: null,
      userId: null,
    });
  }

  /** Spends a one-time token; a clear 400 when it is unknown, used or expired. */
  async function spend(token: string, purpose: AffiliateTokenPurpose): Promise<string> {
    const affiliateId = await repo.useToken(hashToken(token), purpose, now());
    if (!affiliateId) {
      throw new AppError(
        "bad_request",
        purpose === "verify"
          ? "This verification link is invalid, expired or already used. Sign up again with the same address to get a new one."
          : "This sign-in link is invalid, expired or already used. Ask for a new one.",
      );
    }
    return affiliateId;
  }

  /** The affiliate's links; an approved affiliate without any gets its default link (once, even under concurrent calls). */
  async function linksOf(affiliate: AffiliateRow): Promise<ReferralLinkDto[]> {
    let rows = await repo.links(affiliate.id);
    if (rows.length === 0 && affiliate.status === "approved") {
      await db.system.transaction(async (tx) => {
        const r = affiliatesRepository(tx);
        await r.lock(affiliate.id);
        if ((await r.links(affiliate.id)).length === 0) await insertLink(r, affiliate, null);
      });
      rows = await repo.links(affiliate.id);
    }
    return rows.map((l) => toLinkDto(l, publicBaseUrl()));
  }

  async function insertLink(r: typeof repo, affiliate: AffiliateRow, campaign: string | null): Promise<string> {
    for (let attempt = 0; attempt < CODE_ATTEMPTS; attempt++) {
      const id = createId("referralLink");
      if (await r.insertLink({ id, code: newReferralCode(affiliate.name), affiliateId: affiliate.id, programId: AFFILIATE_PROGRAM_ID, campaign })) return id;
    }
    throw new AppError("conflict", "Could not draw a free link code; try again");
  }

  return {
    /** The affiliate cookie is Secure whenever the platform is served over https (like the dashboard's). */
    secureCookies: config.env === "production" || (config.publicBaseUrl ?? "").startsWith("https://"),
    /** The signed-in affiliate's id from the cookie's token, or 401. */
    authenticate(token: string | undefined): string {
      const affiliateId = sessions.verify(token);
      if (!affiliateId) throw new AppError("unauthorized", "Sign in to your affiliate dashboard");
      return affiliateId;
    },
    issueSession: (affiliateId: string) => sessions.issue(affiliateId),

    /** The current terms (their version is what the signup form sends back) and what the programme pays. */
    async terms(): Promise<AffiliateTerms> {
      const p = await program();
      const facts = {
        version: config.referrals.termsVersion,
        commission: describeCommission(p.rule),
        holdDays: p.holdDays,
        windowDays: config.referrals.windowDays,
        attribution: config.referrals.attribution,
      };
      return {
        version: facts.version,
        text: affiliateTermsText(facts),
        program: { name: p.name, summary: `${facts.commission}.`, holdDays: p.holdDays, windowDays: facts.windowDays },
      };
    },

    /**
     * An application: recorded with the terms version and time, then a verification link by email. A
     * registered address is answered the same (no enumeration); while it is unverified it gets a new link.
     */
    async signup(body: AffiliateSignup, ip: string): Promise<void> {
      if (body.termsVersion !== config.referrals.termsVersion) throw invalid("body.termsVersion", "the terms changed; reload the page");
      const address = normalEmail(body.email);
      const existing = await repo.findByEmail(address);
      if (existing) {
        if (existing.status === "unverified") await sendLink(existing, "verify");
        return;
      }
      const created = await repo.insert({
        id: createId("affiliate"),
        email: address,
        name: body.name,
        website: body.website ?? null,
        promotion: body.promotion || null,
        status: "unverified",
        termsVersion: body.termsVersion,
        termsAcceptedAt: now(),
        signupIpHash: hashSignal(secret, "ip", ip),
      });
      // Lost a race with a concurrent signup of the same address: that one sends the link.
      if (created) await sendLink(created, "verify");
    },

    /** Confirms the address with the emailed link (once, within a day): the application goes to review. Answers the affiliate id to sign in. */
    async verify(token: string): Promise<string> {
      const affiliateId = await spend(token, "verify");
      const at = now();
      await db.system.transaction(async (tx) => {
        const r = affiliatesRepository(tx);
        await r.markVerified(affiliateId, at);
        await r.cancelTokens(affiliateId, "verify", at);
      });
      return affiliateId;
    },

    /** Emails a sign-in link to a verified affiliate; nothing for any other address, with the same answer. */
    async requestSignIn(address: string): Promise<void> {
      const affiliate = await repo.findByEmail(normalEmail(address));
      if (affiliate?.emailVerifiedAt) await sendLink(affiliate, "login");
    },

    /** Opens a sign-in link (once, within 30 minutes). Answers the affiliate id to sign in. */
    signIn: (token: string) => spend(token, "login"),

    async dashboard(affiliateId: string): Promise<AffiliateMe> {
      const affiliate = await repo.findById(affiliateId);
      if (!affiliate) throw new AppError("unauthorized", "Sign in to your affiliate dashboard");
      // The links first: the first call of an approved affiliate creates the default one, which the funnel then counts.
      const links = await linksOf(affiliate);
      const [funnel, totals, commissions, monthly, payouts] = await Promise.all([
        repo.funnel(affiliate.id),
        repo.commissionTotals(affiliate.id),
        repo.commissions(affiliate.id),
        repo.monthlyEarnings(affiliate.id),
        repo.payouts(affiliate.id),
      ]);
      return {
        affiliate: { ...toAffiliateDto(affiliate), reviewNote: affiliate.reviewNote },
        funnel,
        links,
        earnings: toEarningsDto(totals, commissions, monthly),
        payouts: payouts.map(toPayoutDto),
      };
    },

    /** Another link (a campaign tag of the affiliate's own); approved affiliates only. */
    async createLink(affiliateId: string, campaign: string | undefined): Promise<ReferralLinkDto> {
      const affiliate = await repo.findById(affiliateId);
      if (!affiliate) throw new AppError("unauthorized", "Sign in to your affiliate dashboard");
      if (affiliate.status !== "approved") {
        throw new AppError("forbidden", affiliate.status === "rejected" ? "your application was not approved" : "your application is awaiting review");
      }
      const id = await insertLink(repo, affiliate, campaign ?? null);
      const link = (await repo.links(affiliate.id)).find((l) => l.id === id)!;
      return toLinkDto(link, publicBaseUrl());
    },
  };
}
export type AffiliatesService = ReturnType<typeof createAffiliatesService>;
