// The operator's referral analytics (`GET /v1/admin/referrals/analytics`: funnel, monthly cohorts, top
// referrers) over 1M clicks and 100k referred signups, against the issue's figure: under 200 ms.
//   npx tsx bench/referral-funnel.bench.ts [runs=20] [index]
// `index` first creates the index this bench proposes (PROPOSED_INDEX; not in the migrations), to compare.
// PostgreSQL when TEST_DATABASE_URL (or DATABASE_URL) is set (a fresh database, dropped after), at full
// size; PGlite otherwise, at a tenth of it (PGlite is one in-process connection: it is not the target).
// Rows are generated in SQL (generate_series): seeding takes seconds, not minutes.
import { referralAdminRepository, type Database } from "@orbis/db";
import { createTestDatabase, sql } from "@orbis/db/testing";

const runs = Number(process.argv[2] ?? 20);
const withIndex = process.argv.includes("index");
/** Unflagged clicks by time, with the link: the funnel's count and the per-referrer clicks read only the index. */
const PROPOSED_INDEX = "create index referral_clicks_unflagged_at on referral_clicks (occurred_at, link_id) where flag is null";
const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const scale = serverUrl ? 1 : 0.1;
const CLICKS = Math.round(1_000_000 * scale);
const SIGNUPS = Math.round(100_000 * scale);
const USERS = 2_000;
const AFFILIATES = 200;
const TARGET_MS = 200;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** A throwaway migrated database: PGlite, or a fresh one on the server at `url` (dropped on close). */
async function openDatabase(url?: string): Promise<{ db: Database; drop: () => Promise<void> }> {
  const db = await createTestDatabase({ databaseUrl: url ?? null, poolSize: 5 });
  return { db, drop: () => db.close() };
}

/** 18 months of referrals ending now: users and affiliates with a link each, clicks (5 % flagged), signups (60 % activated, 20 % paid), commissions. */
async function seed(db: Database) {
  const run = (q: string) => db.system.execute(sql.raw(q));
  await run(`insert into users (id, email, name, password_hash)
    select 'usr_bench' || lpad(i::text, 8, '0'), 'referrer' || i || '@bench.example', 'Referrer ' || i, 'x' from generate_series(1, ${USERS}) i`);
  await run(`insert into affiliates (id, email, name, status, terms_version, terms_accepted_at)
    select 'aff_bench' || lpad(i::text, 8, '0'), 'affiliate' || i || '@bench.example', 'Affiliate ' || i, 'approved', '2026-12', now() from generate_series(1, ${AFFILIATES}) i`);
  await run(`insert into referral_links (id, code, user_id, affiliate_id, program_id)
    select 'rfl_bench' || lpad(i::text, 8, '0'), 'bench-' || i,
      case when i <= ${USERS} then 'usr_bench' || lpad(i::text, 8, '0') end,
      case when i > ${USERS} then 'aff_bench' || lpad((i - ${USERS})::text, 8, '0') end,
      case when i <= ${USERS} then 'refer-and-earn' else 'affiliates' end
    from generate_series(1, ${USERS + AFFILIATES}) i`);
  await run(`insert into referral_clicks (id, link_id, visitor_id, occurred_at, ip_hash, ua_hash, landing_path, flag)
    select 'rck_bench' || i, 'rfl_bench' || lpad((1 + (i::bigint * 7919) % ${USERS + AFFILIATES})::text, 8, '0'), 'v' || i,
      now() - ((i % 547) || ' days')::interval - ((i % 86400) || ' seconds')::interval, 'ip' || (i % 50000), 'ua', '/',
      case when i % 20 = 0 then 'burst' end
    from generate_series(1, ${CLICKS}) i`);
  await run(`insert into workspaces (id, name, slug)
    select 'ws_bench' || lpad(i::text, 8, '0'), 'Referred ' || i, 'referred-' || i from generate_series(1, ${SIGNUPS}) i`);
  await run(`insert into referral_attributions (workspace_id, link_id, program_id, referrer_user_id, referrer_affiliate_id, signup_at, activated_at, first_paid_at, paid_invoices, revenue_usd, flags)
    select 'ws_bench' || lpad(i::text, 8, '0'), l.id, l.program_id, l.user_id, l.affiliate_id, s.at,
      case when i % 5 < 3 then s.at + interval '2 days' end,
      case when i % 5 = 0 then s.at + interval '9 days' end,
      case when i % 5 = 0 then 1 + i % 6 else 0 end,
      case when i % 5 = 0 then 49 * (1 + i % 6) else 0 end,
      case when i % 50 = 0 then '["disposable_email"]'::jsonb else '[]'::jsonb end
    from generate_series(1, ${SIGNUPS}) i
    cross join lateral (select now() - ((i % 540) || ' days')::interval as at) s
    join referral_links l on l.id = 'rfl_bench' || lpad((1 + (i::bigint * 104729) % ${USERS + AFFILIATES})::text, 8, '0')`);
  await run(`insert into referral_commissions (id, workspace_id, link_id, program_id, referrer_user_id, referrer_affiliate_id, kind, source_id, amount_usd, status, created_at)
    select 'com_bench' || a.workspace_id, a.workspace_id, a.link_id, a.program_id, a.referrer_user_id, a.referrer_affiliate_id, 'invoice', 'in_' || a.workspace_id,
      a.revenue_usd * 0.2, (array['pending', 'approved', 'paid', 'reversed'])[1 + (hashtext(a.workspace_id) & 3)], a.first_paid_at
    from referral_attributions a where a.first_paid_at is not null`);
  if (withIndex) await run(PROPOSED_INDEX);
  // What autovacuum does after a bulk load: statistics, and the visibility map index-only scans need.
  await run(db.kind === "postgres" ? `vacuum analyze` : `analyze`);
}

const { db, drop } = await openDatabase(serverUrl);
try {
  const seeding = performance.now();
  await seed(db);
  console.log(
    `seeded ${CLICKS.toLocaleString()} clicks, ${SIGNUPS.toLocaleString()} signups on ${db.kind} in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
  );
  const admin = referralAdminRepository(db.system);
  const to = new Date();
  const from = new Date(to.getTime() - 365 * 86_400_000);
  // What the analytics route runs (its four statements at once).
  const analytics = () => admin.analytics(from, to);
  const { funnel } = await analytics(); // warm-up
  console.log(`funnel (12 months): ${JSON.stringify({ clicks: funnel.clicks, signups: funnel.signups, activations: funnel.activations, paid: funnel.paid })}`);
  // Each statement alone (sequential): where the time goes.
  for (const [name, part] of [
    ["clicks", () => admin.clicksByReferrer(from, to)],
    ["cohorts", () => admin.cohorts(from, to)],
    ["signups by referrer", () => admin.signupsByReferrer(from, to)],
    ["earnings by referrer", () => admin.earningsByReferrer(from, to)],
  ] as const) {
    const t0 = performance.now();
    await part();
    console.log(`  ${name}: ${(performance.now() - t0).toFixed(1)} ms`);
  }
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await analytics();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const p50 = percentile(times, 50);
  const p99 = percentile(times, 99);
  console.log(
    `analytics over 12 months, ${runs} runs: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (target < ${TARGET_MS} ms${scale < 1 ? `, at ${scale}× size` : ""})`,
  );
  if (serverUrl && p99 >= TARGET_MS) process.exitCode = 1;
} finally {
  await drop();
}
