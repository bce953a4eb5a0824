import type { InjectOptions, LightMyRequestResponse } from "fastify";
import { testConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { REFERRAL_COOKIE, signReferralCookie, verifyReferralCookie } from "@orbis/referrals";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, buildTestApp, signup, type Account, type TestApp } from "./helpers.ts";

const BASE = "https://voice.example.com";
const SECRET = testConfig().jwtSecret!;

let t: TestApp;
/** The same database, attributing to the last touch. */
let lastTouch: TestApp;
beforeAll(async () => {
  t = await buildTestApp({ publicBaseUrl: BASE });
  lastTouch = await buildTestApp({ publicBaseUrl: BASE, referrals: { ...testConfig().referrals, attribution: "last" } }, { db: t.db, cache: t.cache });
});
afterAll(async () => {
  await lastTouch.close();
  await t.close();
});

// Every click and signup comes from an address of its own unless a test says otherwise: the burst rules
// count per address across the whole file.
let addressCounter = 0;
const freshIp = () => {
  addressCounter++;
  return `10.77.${Math.floor(addressCounter / 250)}.${(addressCounter % 250) + 1}`;
};

async function rows<T>(app: TestApp, query: string): Promise<T[]> {
  return ((await app.db.system.execute(query as never)) as unknown as { rows: T[] }).rows;
}
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

const cookieOf = (res: LightMyRequestResponse) => res.cookies.find((c) => c.name === REFERRAL_COOKIE);

interface ClickOptions {
  to?: string;
  cookie?: string;
  ip?: string;
  userAgent?: string;
  referer?: string;
  app?: TestApp;
}
function click(code: string, o: ClickOptions = {}) {
  const query = o.to === undefined ? "" : `?to=${encodeURIComponent(o.to)}`;
  const headers: Record<string, string> = { "user-agent": o.userAgent ?? "Mozilla/5.0 (test)" };
  if (o.referer) headers.referer = o.referer;
  const options: InjectOptions = { method: "GET", url: `/r/${code}${query}`, headers, remoteAddress: o.ip ?? freshIp() };
  if (o.cookie) options.cookies = { [REFERRAL_COOKIE]: o.cookie };
  return (o.app ?? t).app.inject(options);
}

let signupCounter = 0;
/** A signup from a browser that may carry the referral cookie; by default from a domain of its own. */
async function referredSignup(cookie: string | undefined, o: { email?: string; ip?: string; app?: TestApp } = {}) {
  signupCounter++;
  const email = o.email ?? `owner-${Date.now()}-${signupCounter}@newco-${signupCounter}.test`;
  const res = await (o.app ?? t).app.inject({
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email, password: "correct horse battery", name: "New owner", workspaceName: `Referred ${signupCounter}` },
    remoteAddress: o.ip ?? freshIp(),
    ...(cookie ? { cookies: { [REFERRAL_COOKIE]: cookie } } : {}),
  });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json() as { token: string; user: { id: string }; workspace: { id: string; name: string } };
  return { ...body, email };
}

interface LinkDto {
  id: string;
  code: string;
  url: string;
  campaign: string | null;
  clicks: number;
  signups: number;
}
async function me(a: Account) {
  const res = await t.app.inject({ url: "/v1/referrals/me", headers: bearer(a.token) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    links: LinkDto[];
    clicks: number;
    signups: number;
    activations: number;
    paid: number;
    estimatedEarningsUsd: number;
    history: { workspace: string; status: string; signedUpAt: string }[];
    program: { id: string; name: string; summary: string };
  };
}
/** A referrer and their main link. */
async function referrer(label = "referrer") {
  const account = await signup(t.app, label);
  const link = (await me(account)).links[0]!;
  return { account, link };
}

interface AttributionRow {
  workspace_id: string;
  link_id: string;
  click_id: string;
  program_id: string;
  referrer_user_id: string | null;
  referrer_affiliate_id: string | null;
  signup_ip_hash: string;
  flags: string[];
}
const attributionOf = async (workspaceId: string) =>
  (await rows<AttributionRow>(t, `select * from referral_attributions where workspace_id = ${quote(workspaceId)}`))[0];

describe("GET /r/:code", () => {
  it("records the click with hashed address and agent, sets the signed cookie and redirects to a safe path", async () => {
    const { link } = await referrer("click");
    const res = await click(link.code, {
      to: "/pricing?plan=pro",
      ip: "203.0.113.45",
      userAgent: "Agent/7.7 (unique)",
      referer: `https://blog.example/${"x".repeat(900)}`,
    });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe("/pricing?plan=pro");
    const cookie = cookieOf(res)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: true, path: "/", maxAge: 60 * 86_400 });
    const value = verifyReferralCookie(SECRET, cookie.value)!;
    expect(value.first).toEqual(value.last);
    expect(value.first.linkId).toBe(link.id);

    const [row] = await rows<Record<string, string | null>>(t, `select * from referral_clicks where id = ${quote(value.first.clickId)}`);
    expect(row).toMatchObject({ link_id: link.id, visitor_id: value.visitorId, landing_path: "/pricing?plan=pro", flag: null });
    expect(row!.referrer).toHaveLength(500);
    expect(JSON.stringify(row)).not.toContain("203.0.113.45");
    expect(JSON.stringify(row)).not.toContain("Agent/7.7");
    expect(row!.ip_hash).toMatch(/^[\w-]{43}$/);
    expect(row!.ua_hash).toMatch(/^[\w-]{43}$/);
    expect(row!.ip_hash).not.toBe(row!.ua_hash);
  });

  it.each(["//evil.example/x", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "pricing"])("lands on / for an unsafe to=%s", async (to) => {
    const { link } = await referrer("unsafe");
    const res = await click(link.code, { to });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe("/");
    expect(cookieOf(res)).toBeDefined();
  });

  it("an unknown or malformed code goes home, without a cookie or a click", async () => {
    const [{ n: before }] = (await rows<{ n: number }>(t, "select count(*)::int as n from referral_clicks")) as [{ n: number }];
    for (const code of ["nobody-aaaaaa", "NOT_A_CODE", "x"]) {
      const res = await click(code, { to: "/pricing" });
      expect(res.statusCode).toBe(302);
      expect(res.headers.location).toBe("/");
      expect(cookieOf(res)).toBeUndefined();
    }
    const [{ n: after }] = (await rows<{ n: number }>(t, "select count(*)::int as n from referral_clicks")) as [{ n: number }];
    expect(after).toBe(before);
  });

  it("a link deleted after its code was looked up goes home like an unknown one", async () => {
    const { link } = await referrer("deleted");
    expect(cookieOf(await click(link.code))).toBeDefined();
    await t.db.system.execute(`delete from referral_links where id = ${quote(link.id)}` as never);
    const res = await click(link.code, { to: "/pricing" });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe("/");
    expect(cookieOf(res)).toBeUndefined();
  });

  it("keeps the visitor and the first touch across clicks, and moves the last", async () => {
    const a = await referrer("touch-a");
    const b = await referrer("touch-b");
    const first = verifyReferralCookie(SECRET, cookieOf(await click(a.link.code))!.value)!;
    const second = verifyReferralCookie(SECRET, cookieOf(await click(b.link.code, { cookie: signReferralCookie(SECRET, first) }))!.value)!;
    expect(second.visitorId).toBe(first.visitorId);
    expect(second.first).toEqual(first.first);
    expect(second.last.linkId).toBe(b.link.id);
  });

  it("flags clicks beyond 20 an hour from one address, keeps redirecting, and leaves them out of the counts", async () => {
    const { account, link } = await referrer("burst");
    const ip = freshIp();
    for (let i = 0; i < 22; i++) expect((await click(link.code, { ip })).statusCode).toBe(302);
    const flags = await rows<{ flag: string | null }>(t, `select flag from referral_clicks where link_id = ${quote(link.id)} order by occurred_at`);
    expect(flags.map((f) => f.flag)).toEqual([...Array<null>(20).fill(null), "click_burst", "click_burst"]);
    expect((await me(account)).clicks).toBe(20);
  });

  it("flags one visitor clicking one link over and over, from changing addresses", async () => {
    const { link } = await referrer("visitor-burst");
    let cookie: string | undefined;
    for (let i = 0; i < 21; i++) cookie = cookieOf(await click(link.code, cookie ? { cookie } : {}))!.value;
    const flags = await rows<{ flag: string | null }>(t, `select flag from referral_clicks where link_id = ${quote(link.id)} order by occurred_at`);
    expect(flags.filter((f) => f.flag === "click_burst")).toHaveLength(1);
    expect(flags.at(-1)!.flag).toBe("click_burst");
  });

  it("is not in the OpenAPI document", async () => {
    const doc = (await t.app.inject({ url: "/openapi.json" })).json() as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths).some((p) => p.startsWith("/r/"))).toBe(false);
    expect(doc.paths["/v1/referrals/me"]).toBeDefined();
  });
});

describe("attribution at signup", () => {
  it("attributes the new workspace to the link and records referral.signed_up on it", async () => {
    const { account, link } = await referrer("attr");
    const ip = freshIp();
    const cookie = cookieOf(await click(link.code))!.value;
    const clickId = verifyReferralCookie(SECRET, cookie)!.first.clickId;
    const created = await referredSignup(cookie, { ip });
    const row = await attributionOf(created.workspace.id);
    expect(row).toMatchObject({
      link_id: link.id,
      click_id: clickId,
      program_id: "refer-and-earn",
      referrer_user_id: account.userId,
      referrer_affiliate_id: null,
      flags: [],
    });
    expect(row!.signup_ip_hash).toMatch(/^[\w-]{43}$/);
    expect(row!.signup_ip_hash).not.toContain(ip);
    const events = await rows<{ type: string; payload: Record<string, unknown> }>(
      t,
      `select type, payload from domain_events where workspace_id = ${quote(created.workspace.id)} and type = 'referral.signed_up'`,
    );
    expect(events).toEqual([
      { type: "referral.signed_up", payload: { linkId: link.id, referrerUserId: account.userId, referrerAffiliateId: null, flagged: [] } },
    ]);

    const mine = await me(account);
    expect(mine).toMatchObject({ signups: 1, activations: 0, paid: 0 });
    expect(mine.history).toEqual([expect.objectContaining({ workspace: created.workspace.name, status: "signed_up" })]);
    expect(mine.links[0]).toMatchObject({ id: link.id, clicks: 1, signups: 1 });
  });

  it("a signup without a cookie, or with a forged one, is not attributed and still succeeds", async () => {
    const { link } = await referrer("forged");
    const genuine = cookieOf(await click(link.code))!.value;
    const [body] = genuine.split(".");
    const forgedWithOtherSecret = signReferralCookie("not-the-server-secret-not-the-server", verifyReferralCookie(SECRET, genuine)!);
    for (const cookie of [undefined, "garbage", `${body}.AAAA`, forgedWithOtherSecret]) {
      const created = await referredSignup(cookie);
      expect(await attributionOf(created.workspace.id)).toBeUndefined();
    }
  });

  it("a signed cookie naming a click that is not of that link is ignored, and the signup succeeds", async () => {
    const a = await referrer("mismatch-a");
    const b = await referrer("mismatch-b");
    const ca = verifyReferralCookie(SECRET, cookieOf(await click(a.link.code))!.value)!;
    const now = Date.now();
    const wrong = signReferralCookie(SECRET, { ...ca, first: { linkId: b.link.id, clickId: ca.first.clickId, at: now }, last: ca.last });
    const created = await referredSignup(wrong);
    expect(await attributionOf(created.workspace.id)).toBeUndefined();
    const ghost = signReferralCookie(SECRET, { ...ca, first: { linkId: createId("referralLink"), clickId: createId("referralClick"), at: now } });
    expect(await attributionOf((await referredSignup(ghost)).workspace.id)).toBeUndefined();
  });

  it("first touch by default, last touch when the operator chooses it", async () => {
    const a = await referrer("first");
    const b = await referrer("last");
    const c1 = cookieOf(await click(a.link.code))!.value;
    const c2 = cookieOf(await click(b.link.code, { cookie: c1 }))!.value;
    expect((await attributionOf((await referredSignup(c2)).workspace.id))!.link_id).toBe(a.link.id);
    expect((await attributionOf((await referredSignup(c2, { app: lastTouch })).workspace.id))!.link_id).toBe(b.link.id);
  });

  it("outside the window the cookie attributes nothing", async () => {
    const { link } = await referrer("window");
    const value = verifyReferralCookie(SECRET, cookieOf(await click(link.code))!.value)!;
    const old = Date.now() - 61 * 86_400_000;
    const stale = signReferralCookie(SECRET, { ...value, first: { ...value.first, at: old }, last: { ...value.last, at: old } });
    expect(await attributionOf((await referredSignup(stale)).workspace.id)).toBeUndefined();
    const inside = Date.now() - 59 * 86_400_000;
    const fresh = signReferralCookie(SECRET, { ...value, first: { ...value.first, at: inside }, last: { ...value.last, at: inside } });
    expect(await attributionOf((await referredSignup(fresh)).workspace.id)).toBeDefined();
  });
});

describe("fraud flags at signup", () => {
  it("self_referral: the referrer's own company domain", async () => {
    const { account, link } = await referrer("self");
    const cookie = cookieOf(await click(link.code))!.value;
    // helpers.signup gives the referrer an @example.com address.
    expect(account.email.endsWith("@example.com")).toBe(true);
    const same = await referredSignup(cookie, { email: `colleague-${Date.now()}@example.com` });
    expect((await attributionOf(same.workspace.id))!.flags).toEqual(["self_referral"]);
    const events = await rows<{ payload: { flagged: string[] } }>(
      t,
      `select payload from domain_events where workspace_id = ${quote(same.workspace.id)} and type = 'referral.signed_up'`,
    );
    expect(events[0]!.payload.flagged).toEqual(["self_referral"]);
    expect((await me(account)).history[0]!.status).toBe("flagged");
  });

  it("disposable_email", async () => {
    const { link } = await referrer("disposable");
    const cookie = cookieOf(await click(link.code))!.value;
    const created = await referredSignup(cookie, { email: `someone-${Date.now()}@mailinator.com` });
    expect((await attributionOf(created.workspace.id))!.flags).toEqual(["disposable_email"]);
  });

  it("signup_burst: the third attributed signup from one address in a day", async () => {
    const { link } = await referrer("signup-burst");
    const cookie = cookieOf(await click(link.code))!.value;
    const ip = freshIp();
    const flags = [];
    for (let i = 0; i < 4; i++) flags.push((await attributionOf((await referredSignup(cookie, { ip })).workspace.id))!.flags);
    expect(flags).toEqual([[], [], ["signup_burst"], ["signup_burst"]]);
  });

  it("click_burst: the attributed click was itself flagged", async () => {
    const { link } = await referrer("click-burst-signup");
    const ip = freshIp();
    let cookie: string | undefined;
    for (let i = 0; i < 21; i++) cookie = cookieOf(await click(link.code, { ip, ...(cookie ? { cookie } : {}) }))!.value;
    // Last touch: the 21st click, which was flagged.
    const created = await referredSignup(cookie, { app: lastTouch });
    expect((await attributionOf(created.workspace.id))!.flags).toEqual(["click_burst"]);
  });

  it("referrer_inactive: an affiliate not yet approved (the attribution is still recorded)", async () => {
    const affiliateId = createId("affiliate");
    const linkId = createId("referralLink");
    const code = `partner-${Date.now().toString(36)}`;
    await t.db.system.execute(
      `insert into affiliates (id, email, name, status, terms_version, terms_accepted_at) values (${quote(affiliateId)}, ${quote(`${affiliateId}@partner.test`)}, 'Partner', 'pending', '2026-12', now())` as never,
    );
    await t.db.system.execute(
      `insert into referral_links (id, code, affiliate_id, program_id) values (${quote(linkId)}, ${quote(code)}, ${quote(affiliateId)}, 'affiliates')` as never,
    );
    const cookie = cookieOf(await click(code))!.value;
    const created = await referredSignup(cookie);
    expect(await attributionOf(created.workspace.id)).toMatchObject({
      link_id: linkId,
      program_id: "affiliates",
      referrer_user_id: null,
      referrer_affiliate_id: affiliateId,
      flags: ["referrer_inactive"],
    });
  });
});

describe("/v1/referrals/me and /v1/referral-links", () => {
  it("makes the main link on first visit, with full URLs, counts and the programme", async () => {
    const account = await signup(t.app, "me");
    const first = await me(account);
    expect(first.links).toHaveLength(1);
    const [link] = first.links;
    expect(link!.code).toMatch(/^me-owner-[a-z2-7]{6}$/);
    expect(link!.url).toBe(`${BASE}/r/${link!.code}`);
    expect(first).toMatchObject({ clicks: 0, signups: 0, activations: 0, paid: 0, estimatedEarningsUsd: 0, history: [] });
    expect(first.program).toEqual({ id: "refer-and-earn", name: "Refer & Earn", summary: "20 % of what they pay for 12 months" });
    // Visiting again (even twice at once) does not make another main link.
    await Promise.all([me(account), me(account)]);
    expect((await me(account)).links.map((l) => l.id)).toEqual([link!.id]);
  });

  it("counts activations, paid workspaces and estimated earnings", async () => {
    const { account, link } = await referrer("earnings");
    const created = await referredSignup(cookieOf(await click(link.code))!.value);
    await t.db.system.execute(
      `update referral_attributions set activated_at = now(), first_paid_at = now() where workspace_id = ${quote(created.workspace.id)}` as never,
    );
    for (const [status, amount] of [
      ["pending", 10],
      ["held", 2.5],
      ["approved", 5],
      ["paid", 100],
      ["reversed", 40],
    ] as const) {
      await t.db.system.execute(
        `insert into referral_commissions (id, workspace_id, link_id, program_id, referrer_user_id, kind, source_id, amount_usd, status)
         values (${quote(createId("commission"))}, ${quote(created.workspace.id)}, ${quote(link.id)}, 'refer-and-earn', ${quote(account.userId)}, 'invoice', ${quote(createId("commission"))}, ${amount}, ${quote(status)})` as never,
      );
    }
    const mine = await me(account);
    expect(mine).toMatchObject({ clicks: 1, signups: 1, activations: 1, paid: 1, estimatedEarningsUsd: 17.5 });
    expect(mine.history[0]!.status).toBe("paid");
  });

  it("campaign links: created with 201, listed with their own clicks and signups", async () => {
    const { account, link } = await referrer("campaign");
    const created = await t.app.inject({ method: "POST", url: "/v1/referral-links", headers: bearer(account.token), payload: { campaign: "Newsletter Dec" } });
    expect(created.statusCode, created.body).toBe(201);
    const campaignLink = created.json() as LinkDto;
    expect(campaignLink).toMatchObject({ campaign: "Newsletter Dec", clicks: 0, signups: 0, url: `${BASE}/r/${campaignLink.code}` });
    expect(campaignLink.code).not.toBe(link.code);
    await click(campaignLink.code);
    await click(campaignLink.code);
    await referredSignup(cookieOf(await click(campaignLink.code))!.value);
    const list = await t.app.inject({ url: "/v1/referral-links", headers: bearer(account.token) });
    expect(list.statusCode).toBe(200);
    const data = (list.json() as { data: LinkDto[] }).data;
    expect(data.map((l) => [l.id, l.clicks, l.signups])).toEqual([
      [link.id, 0, 0],
      [campaignLink.id, 3, 1],
    ]);
    const bad = await t.app.inject({ method: "POST", url: "/v1/referral-links", headers: bearer(account.token), payload: { campaign: "<script>" } });
    expect(bad.statusCode).toBe(422);
    const extra = await t.app.inject({ method: "POST", url: "/v1/referral-links", headers: bearer(account.token), payload: { userId: "usr_someoneelse00" } });
    expect(extra.statusCode).toBe(422);
  });

  it("one user never sees another's links or history; API keys and anonymous callers are refused", async () => {
    const a = await referrer("owner-a");
    await referredSignup(cookieOf(await click(a.link.code))!.value);
    const b = await signup(t.app, "owner-b");
    const bView = await me(b);
    expect(bView.links.map((l) => l.id)).not.toContain(a.link.id);
    expect(bView).toMatchObject({ clicks: 0, signups: 0, history: [] });
    const bLinks = (await t.app.inject({ url: "/v1/referral-links", headers: bearer(b.token) })).json() as { data: LinkDto[] };
    expect(bLinks.data.map((l) => l.id)).not.toContain(a.link.id);

    const key = await t.app.inject({ method: "POST", url: "/v1/api-keys", headers: bearer(a.account.token), payload: { name: "server", kind: "secret" } });
    expect(key.statusCode, key.body).toBe(201);
    const secret = (key.json() as { key: string }).key;
    for (const [method, url] of [
      ["GET", "/v1/referrals/me"],
      ["GET", "/v1/referral-links"],
      ["POST", "/v1/referral-links"],
    ] as const) {
      expect((await t.app.inject({ method, url, headers: bearer(secret), payload: method === "POST" ? {} : undefined })).statusCode).toBe(403);
      expect((await t.app.inject({ method, url, payload: method === "POST" ? {} : undefined })).statusCode).toBe(401);
    }
  });
});
