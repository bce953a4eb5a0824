import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, buildTestApp, signup, type TestApp } from "./helpers.ts";

let t: TestApp;
let termsVersion: string;
beforeAll(async () => {
  t = await buildTestApp({ publicBaseUrl: "https://voice.example.com" });
  termsVersion = (await t.app.inject({ url: "/v1/affiliates/terms" })).json().version;
});
afterAll(() => t.close());

const inject = (options: InjectOptions) => t.app.inject(options);
let counter = 0;
const newAddress = (label: string) => `${label}-${Date.now()}-${counter++}@affiliates.example.org`;

async function query<T>(text: string): Promise<T[]> {
  return ((await t.db.system.execute(text as never)) as unknown as { rows: T[] }).rows;
}
const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The emails to an address (affiliates are nobody's users: no workspace, no user). */
const mailTo = (address: string, template: string) =>
  query<{ text: string; workspace_id: string | null; user_id: string | null }>(
    `select text, workspace_id, user_id from emails where to_address = ${quote(address)} and template = ${quote(template)} order by created_at`,
  );
const tokenIn = (text: string, path: string) => new RegExp(`https://voice\\.example\\.com/affiliates/${path}\\?token=([\\w-]+)`).exec(text)?.[1];

const apply = (payload: Record<string, unknown>) => inject({ method: "POST", url: "/v1/affiliates/signup", payload });
const application = (email: string, extra: Record<string, unknown> = {}) => ({
  name: "Jane Partner",
  email,
  website: "https://jane.example.org",
  promotion: "A newsletter for dental practices",
  termsVersion,
  acceptTerms: true,
  ...extra,
});
const verify = (token: string) => inject({ method: "POST", url: "/v1/affiliates/verify", payload: { token } });
const me = (cookie: string) => inject({ url: "/v1/affiliates/me", cookies: { orbis_affiliate: cookie } });
const cookieOf = (res: { cookies: { name: string; value: string }[] }) => res.cookies.find((c) => c.name === "orbis_affiliate");
const affiliateRow = async (email: string) =>
  (
    await query<{ id: string; status: string; terms_version: string; terms_accepted_at: unknown; signup_ip_hash: string | null; email_verified_at: unknown }>(
      `select id, status, terms_version, terms_accepted_at, signup_ip_hash, email_verified_at from affiliates where email = ${quote(email)}`,
    )
  )[0];
const approve = (id: string) => query(`update affiliates set status = 'approved' where id = ${quote(id)}`);

/** Applies, verifies the address with the emailed link and answers the affiliate cookie. */
async function verifiedAffiliate(label: string): Promise<{ email: string; id: string; cookie: string }> {
  const email = newAddress(label);
  expect((await apply(application(email))).statusCode).toBe(202);
  const token = tokenIn((await mailTo(email, "affiliate_verify"))[0]!.text, "verify")!;
  const res = await verify(token);
  expect(res.statusCode).toBe(200);
  return { email, id: (await affiliateRow(email))!.id, cookie: cookieOf(res)!.value };
}

describe("affiliate signup and verification", () => {
  it("records the application and its terms, emails a link that verifies once and signs in; the dashboard shows it awaiting review", async () => {
    const terms = (await inject({ url: "/v1/affiliates/terms" })).json();
    expect(terms.version).toBe("2026-12");
    expect(terms.text).toMatch(/spam/i);
    expect(terms.program.summary).toContain("30 %");

    const email = newAddress("journey");
    const res = await apply(application(email.toUpperCase()));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ status: "check_your_email" });

    const row = await affiliateRow(email);
    expect(row).toMatchObject({ status: "unverified", terms_version: "2026-12", email_verified_at: null });
    expect(row!.terms_accepted_at).toBeTruthy();
    expect(row!.signup_ip_hash).toMatch(/^[\w-]{20,}$/);
    expect(row!.signup_ip_hash).not.toContain("10.");

    const mails = await mailTo(email, "affiliate_verify");
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ workspace_id: null, user_id: null });
    const token = tokenIn(mails[0]!.text, "verify")!;
    expect(token).toMatch(/^[\w-]{43}$/);
    const stored = await query<{ token_hash: string; purpose: string }>(
      `select token_hash, purpose from affiliate_tokens where affiliate_id = ${quote(row!.id)}`,
    );
    expect(stored).toEqual([{ token_hash: expect.stringMatching(/^[0-9a-f]{64}$/), purpose: "verify" }]);
    expect(stored[0]!.token_hash).not.toContain(token);

    expect((await me("")).statusCode).toBe(401);
    const verified = await verify(token);
    expect(verified.statusCode).toBe(200);
    const cookie = cookieOf(verified)!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: true, path: "/", maxAge: 7 * 24 * 3600 });
    expect((await affiliateRow(email))!.status).toBe("pending");

    const dash = await me(cookie.value);
    expect(dash.statusCode).toBe(200);
    expect(dash.json()).toMatchObject({
      affiliate: { id: row!.id, email, name: "Jane Partner", status: "pending", termsVersion: "2026-12", reviewNote: null },
      funnel: { clicks: 0, signups: 0, activations: 0, paid: 0 },
      links: [],
      earnings: { totals: { pending: 0, held: 0, approved: 0, paid: 0, reversed: 0 }, estimatedUsd: 0, commissions: [], monthly: [] },
      payouts: [],
    });
    const link = await inject({ method: "POST", url: "/v1/affiliates/me/links", cookies: { orbis_affiliate: cookie.value }, payload: {} });
    expect(link.statusCode).toBe(403);
    expect(link.json().error).toMatchObject({ code: "forbidden", message: "your application is awaiting review" });

    // A used link: 400, plainly.
    const again = await verify(token);
    expect(again.statusCode).toBe(400);
    expect(again.json().error.message).toMatch(/invalid, expired or already used/);

    await approve(row!.id);
    const approved = (await me(cookie.value)).json();
    expect(approved.affiliate.status).toBe("approved");
    expect(approved.links).toHaveLength(1);
    expect(approved.links[0]).toMatchObject({ programId: "affiliates", campaign: null, clicks: 0, signups: 0 });
    expect(approved.links[0].code).toMatch(/^jane-partner-[a-z2-7]{6}$/);
    expect(approved.links[0].url).toBe(`https://voice.example.com/r/${approved.links[0].code}`);
    // Created once: the next visits show the same link.
    expect((await me(cookie.value)).json().links).toEqual(approved.links);

    const tagged = await inject({
      method: "POST",
      url: "/v1/affiliates/me/links",
      cookies: { orbis_affiliate: cookie.value },
      payload: { campaign: "spring newsletter" },
    });
    expect(tagged.statusCode).toBe(201);
    expect(tagged.json()).toMatchObject({ campaign: "spring newsletter", programId: "affiliates" });
    expect((await me(cookie.value)).json().links).toHaveLength(2);
    expect((await inject({ method: "POST", url: "/v1/affiliates/me/links", payload: { campaign: "x" } })).statusCode).toBe(401);
  });

  it("refuses stale terms, unaccepted terms and bad fields with 422 naming the field", async () => {
    const stale = await apply(application(newAddress("stale"), { termsVersion: "2020-01" }));
    expect(stale.statusCode).toBe(422);
    expect(stale.json().error.details).toEqual([{ path: "body.termsVersion", message: "the terms changed; reload the page" }]);

    const unaccepted = await apply(application(newAddress("unaccepted"), { acceptTerms: false }));
    expect(unaccepted.statusCode).toBe(422);
    expect(JSON.stringify(unaccepted.json().error.details)).toContain("body.acceptTerms");

    const bad = await apply(application("not-an-address", { website: "nope" }));
    expect(bad.statusCode).toBe(422);
    const paths = (bad.json().error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["body.email", "body.website"]));
    expect(await query(`select id from affiliates where email = 'not-an-address'`)).toHaveLength(0);
  });

  it("a registered address gets the same answer and no second affiliate; a fresh link only while unverified", async () => {
    const email = newAddress("twice");
    const first = await apply(application(email));
    const second = await apply(application(email, { name: "Someone Else" }));
    expect([first.statusCode, second.statusCode]).toEqual([202, 202]);
    expect(second.body).toBe(first.body);
    expect(await query(`select id from affiliates where email = ${quote(email)}`)).toHaveLength(1);
    const mails = await mailTo(email, "affiliate_verify");
    expect(mails).toHaveLength(2);
    // The newer link replaces the older one.
    expect((await verify(tokenIn(mails[0]!.text, "verify")!)).statusCode).toBe(400);
    expect((await verify(tokenIn(mails[1]!.text, "verify")!)).statusCode).toBe(200);

    expect((await apply(application(email))).statusCode).toBe(202);
    expect(await mailTo(email, "affiliate_verify")).toHaveLength(2);
    expect((await affiliateRow(email))!.status).toBe("pending");
  });

  it("an expired verification link answers 400", async () => {
    const email = newAddress("expired");
    await apply(application(email));
    const token = tokenIn((await mailTo(email, "affiliate_verify"))[0]!.text, "verify")!;
    const { id } = (await affiliateRow(email))!;
    await query(`update affiliate_tokens set expires_at = now() - interval '1 minute' where affiliate_id = ${quote(id)}`);
    const res = await verify(token);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe("bad_request");
    expect((await affiliateRow(email))!.status).toBe("unverified");
    expect((await verify("y".repeat(43))).statusCode).toBe(400);
  });
});

describe("affiliate sign-in by emailed link", () => {
  const askLink = (email: string) => inject({ method: "POST", url: "/v1/affiliates/sign-in", payload: { email } });
  const openLink = (token: string) => inject({ method: "POST", url: "/v1/affiliates/session", payload: { token } });

  it("emails a 30-minute link to a verified affiliate only, with the same answer for anyone; the link signs in once", async () => {
    const a = await verifiedAffiliate("signin");
    const unknown = newAddress("unknown");
    const unverified = newAddress("unverified");
    await apply(application(unverified));

    const answers = await Promise.all([askLink(a.email), askLink(unknown), askLink(unverified)]);
    expect(answers.map((r) => r.statusCode)).toEqual([202, 202, 202]);
    expect(new Set(answers.map((r) => r.body)).size).toBe(1);
    expect(await mailTo(unknown, "affiliate_login")).toHaveLength(0);
    expect(await mailTo(unverified, "affiliate_login")).toHaveLength(0);

    const [mail] = await mailTo(a.email, "affiliate_login");
    const token = tokenIn(mail!.text, "sign-in")!;
    const expires = await query<{ minutes: number }>(
      `select round(extract(epoch from (expires_at - created_at)) / 60)::int as minutes from affiliate_tokens where affiliate_id = ${quote(a.id)} and purpose = 'login'`,
    );
    expect(expires).toEqual([{ minutes: 30 }]);
    // A verification link is not a sign-in link (and is not spent by trying).
    const verifyToken = tokenIn((await mailTo(unverified, "affiliate_verify"))[0]!.text, "verify")!;
    expect((await openLink(verifyToken)).statusCode).toBe(400);
    expect((await verify(verifyToken)).statusCode).toBe(200);

    const opened = await openLink(token);
    expect(opened.statusCode).toBe(200);
    const cookie = cookieOf(opened)!.value;
    expect((await me(cookie)).json().affiliate.id).toBe(a.id);
    expect((await openLink(token)).statusCode).toBe(400);

    const out = await inject({ method: "POST", url: "/v1/affiliates/sign-out", cookies: { orbis_affiliate: cookie } });
    expect(out.statusCode).toBe(200);
    const cleared = cookieOf(out)!;
    expect(cleared.value).toBe("");
  });
});

describe("affiliate sessions are their own", () => {
  it("a dashboard session is not an affiliate session, and an affiliate session is not a dashboard session", async () => {
    const owner = await signup(t.app, "affsession");
    expect((await me(owner.token)).statusCode).toBe(401);
    expect((await inject({ url: "/v1/affiliates/me", headers: bearer(owner.token) })).statusCode).toBe(401);

    const a = await verifiedAffiliate("notauser");
    expect((await inject({ url: "/v1/auth/me", cookies: { orbis_session: a.cookie } })).statusCode).toBe(401);
    expect((await inject({ url: "/v1/auth/me", headers: bearer(a.cookie) })).statusCode).toBe(401);

    // A tampered token (another affiliate's id under the same signature) is refused.
    const [h, p, s] = a.cookie.split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: "aff_someoneelse" })).toString("base64url")}.${s}`;
    expect((await me(forged)).statusCode).toBe(401);
  });

  it("affiliate B sees only B's links, funnel, earnings and payouts", async () => {
    const a = await verifiedAffiliate("owner-a");
    const b = await verifiedAffiliate("owner-b");
    await approve(a.id);
    await approve(b.id);
    const linkA = (await me(a.cookie)).json().links[0];
    const linkB = (await me(b.cookie)).json().links[0];
    expect(linkA.id).not.toBe(linkB.id);

    // A's link brought a click (and a burst-flagged one), a signup that activated and paid, a commission and a payout.
    const referred = await signup(t.app, "referred");
    await query(
      `insert into referral_clicks (id, link_id, visitor_id, ip_hash, ua_hash, landing_path, flag) values
        ('rck_a1', ${quote(linkA.id)}, 'v1', 'ip', 'ua', '/', null),
        ('rck_a2', ${quote(linkA.id)}, 'v2', 'ip', 'ua', '/', 'click_burst')`,
    );
    await query(
      `insert into referral_attributions (workspace_id, link_id, program_id, referrer_affiliate_id, signup_at, activated_at, first_paid_at)
        values (${quote(referred.workspaceId)}, ${quote(linkA.id)}, 'affiliates', ${quote(a.id)}, now(), now(), now())`,
    );
    await query(
      `insert into referral_commissions (id, workspace_id, link_id, program_id, referrer_affiliate_id, kind, source_id, amount_usd, status, created_at)
        values ('com_a1', ${quote(referred.workspaceId)}, ${quote(linkA.id)}, 'affiliates', ${quote(a.id)}, 'invoice', 'in_a1', 89.7, 'approved', '2026-11-15T00:00:00Z'),
               ('com_a2', ${quote(referred.workspaceId)}, ${quote(linkA.id)}, 'affiliates', ${quote(a.id)}, 'invoice', 'in_a2', 10, 'pending', '2026-12-01T00:00:00Z')`,
    );
    await query(`insert into referral_payouts (id, referrer_affiliate_id, amount_usd, status, method) values ('pay_a1', ${quote(a.id)}, 50, 'paid', 'manual')`);

    const dashA = (await me(a.cookie)).json();
    expect(dashA.funnel).toEqual({ clicks: 1, signups: 1, activations: 1, paid: 1 });
    expect(dashA.links[0]).toMatchObject({ clicks: 1, signups: 1 });
    expect(dashA.earnings.totals).toEqual({ pending: 10, held: 0, approved: 89.7, paid: 0, reversed: 0 });
    expect(dashA.earnings.estimatedUsd).toBe(99.7);
    expect(dashA.earnings.monthly).toEqual([{ month: "2026-11", amountUsd: 89.7 }]);
    expect(dashA.earnings.commissions.map((c: { id: string; referredWorkspace: string }) => [c.id, c.referredWorkspace])).toEqual([
      ["com_a2", "referred workspace"],
      ["com_a1", "referred workspace"],
    ]);
    expect(dashA.payouts).toEqual([expect.objectContaining({ id: "pay_a1", amountUsd: 50, status: "paid", method: "manual" })]);

    const dashB = (await me(b.cookie)).json();
    expect(dashB.affiliate.id).toBe(b.id);
    expect(dashB.links.map((l: { id: string }) => l.id)).toEqual([linkB.id]);
    expect(dashB.funnel).toEqual({ clicks: 0, signups: 0, activations: 0, paid: 0 });
    expect(dashB.earnings.commissions).toEqual([]);
    expect(dashB.earnings.estimatedUsd).toBe(0);
    expect(dashB.payouts).toEqual([]);
  });
});
