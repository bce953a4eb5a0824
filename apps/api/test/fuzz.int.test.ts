/**
 * Every route of the OpenAPI document, fuzzed (`fuzz-openapi.ts`): FUZZ_CASES cases a route (100 by
 * default — with ~190 routes that is ~19,000 requests a run; FUZZ_SEED picks the run), each route as the owner of a fresh workspace holding one of
 * everything, with ids of its own and of another workspace. No answer may be a 5xx, every 4xx carries
 * the one error body, another workspace's id never succeeds, and the server answers /healthz after
 * each route. `bench/fuzz.bench.ts` runs the same cases at length.
 */
import { getBusinessTemplate } from "@orbis/brain";
import { afterAll, describe, expect, it } from "vitest";
import { fuzzWorkspace, knownValues, type FuzzWorkspace } from "./fuzz-fixtures.ts";
import { fuzzOperation, nestedJson, operationsOf, routeOf, seedFor, type RouteTally } from "./fuzz-openapi.ts";
import { bearer, buildTestApp, signup } from "./helpers.ts";

const CASES = Number(process.env.FUZZ_CASES ?? 100);
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_613);

// The routes come from the app's own document, so the app is built before the tests are declared.
const t = await buildTestApp({ rateLimitPerMinute: 1_000_000, allowPrivateNetworkTools: true });
const operations = operationsOf((await t.app.inject({ url: "/openapi.json" })).json());
let foreign: FuzzWorkspace | undefined;
const tallies = new Map<string, RouteTally>();
afterAll(async () => {
  // FUZZ_REPORT=1: what each route answered, to see how far the cases reach.
  if (process.env.FUZZ_REPORT)
    for (const [route, tally] of tallies)
      console.log(
        route.padEnd(56),
        [...tally.statuses]
          .sort(([a], [b]) => a - b)
          .map(([s, n]) => `${s}×${n}`)
          .join(" "),
      );
  await t.close();
});

describe("fuzz: findings, each a 500 before the input guard", () => {
  it("a NUL in a signup field is a 422 naming the field", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/auth/signup",
      payload: { email: "nul@example.com", password: "password123", name: "Ann\u0000", workspaceName: "Acme" },
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error).toMatchObject({ code: "validation_failed", message: "body.name: must not contain a NUL character (U+0000)" });
  });

  it("a lone surrogate in a business field is a 422 naming the field", async () => {
    const owner = await signup(t.app, "surrogate");
    const agent = await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(owner.token), payload: { name: "Desk" } });
    const business = { ...getBusinessTemplate("dental").business, name: "Riverside \ud800Dental" };
    const res = await t.app.inject({ method: "PUT", url: `/v1/agents/${agent.json().id}/business`, headers: bearer(owner.token), payload: business });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.message).toBe("body.name: must not contain an unpaired UTF-16 surrogate");
  });

  it("JSON nested 5,000 deep is a 422, not a stack overflow", async () => {
    const owner = await signup(t.app, "deep");
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/agents",
      headers: { ...bearer(owner.token), "content-type": "application/json" },
      payload: `{"name":"Deep","business":${nestedJson(5000)}}`,
    });
    expect(res.statusCode, res.body).toBe(422);
    expect(res.json().error.message).toMatch(/^body\.business(\.a)+: nests deeper than 64 levels$/);
  });
});

describe(`fuzz: ${operations.length} routes from /openapi.json, ${CASES} cases each (seed ${SEED})`, () => {
  it("the document lists the routes", () => expect(operations.length).toBeGreaterThan(50));

  for (const op of operations) {
    it(routeOf(op), { timeout: 180_000 }, async () => {
      foreign ??= await fuzzWorkspace(t.app, t.db, "foreign");
      const own = await fuzzWorkspace(t.app, t.db, "own");
      const tally = await fuzzOperation(t.app, op, {
        known: knownValues(own, foreign),
        creds: own,
        numRuns: CASES,
        seed: seedFor(op, SEED),
        throwOnProblem: true,
      });
      tallies.set(routeOf(op), tally);
      expect(tally.cases).toBeGreaterThanOrEqual(CASES);
      expect((await t.app.inject({ url: "/healthz" })).statusCode).toBe(200);
    });
  }
});
