import type { InjectOptions } from "fastify";
import { Registry } from "prom-client";
import { testConfig, testTargets, type AppConfig } from "@orbis/config";
import { createTokenService } from "@orbis/auth";
import { createCache, type Cache } from "@orbis/cache";
import type { Database } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { buildApp, type App } from "../src/index.ts";

export interface TestApp {
  app: App;
  db: Database;
  cache: Cache;
  close(): Promise<void>;
}

/** A full api on a fresh database (PGlite, or a new database on TEST_DATABASE_URL) and the test cache. */
export async function buildTestApp(overrides: Partial<AppConfig> = {}, shared?: { db?: Database; cache?: Cache; now?: () => Date }): Promise<TestApp> {
  const config = testConfig(overrides);
  const db = shared?.db ?? (await createTestDatabase());
  const cache = shared?.cache ?? createCache({ redisUrl: testTargets().redisUrl });
  const tokens = createTokenService(config.jwtSecret!);
  const app = await buildApp({ config, db, cache, tokens, metrics: new Registry(), ...(shared?.now ? { now: shared.now } : {}) });
  await app.ready();
  callFromOwnAddress(app);
  return {
    app,
    db,
    cache,
    async close() {
      await app.close();
      if (!shared?.cache) await cache.close();
      if (!shared?.db) await db.close();
    },
  };
}

/**
 * Requests injected into a test app come from an address of its own (unless a test names one): Redis
 * keeps per-IP request budgets and sign-in lockouts for every app that shares it, so test files that
 * all called from 127.0.0.1 would spend one another's budget, as clients behind one address do.
 */
function callFromOwnAddress(app: App) {
  const octet = () => Math.floor(Math.random() * 250) + 1;
  const remoteAddress = `10.${octet()}.${octet()}.${octet()}`;
  const inject = app.inject.bind(app) as (options?: string | InjectOptions) => ReturnType<App["inject"]>;
  app.inject = ((options?: string | InjectOptions) =>
    options === undefined ? inject() : inject(typeof options === "string" ? { url: options, remoteAddress } : { remoteAddress, ...options })) as App["inject"];
}

let counter = 0;
export interface Account {
  token: string;
  userId: string;
  workspaceId: string;
  email: string;
  password: string;
}

export async function signup(app: App, label = "acme"): Promise<Account> {
  const email = `${label}-${Date.now()}-${counter++}@example.com`;
  const password = "correct horse battery";
  const res = await app.inject({
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email, password, name: `${label} owner`, workspaceName: `${label} workspace` },
  });
  if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
  const body = res.json();
  return { token: body.token, userId: body.user.id, workspaceId: body.workspace.id, email, password };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** Invites a user with a role into the account's workspace and returns their session. */
export async function addMember(app: App, owner: Account, role: "admin" | "staff" | "viewer"): Promise<Account> {
  const email = `${role}-${Date.now()}-${counter++}@example.com`;
  const password = "another good password";
  const invite = await app.inject({ method: "POST", url: "/v1/workspaces/current/invitations", headers: bearer(owner.token), payload: { email, role } });
  if (invite.statusCode !== 201) throw new Error(`invite failed: ${invite.body}`);
  const accept = await app.inject({ method: "POST", url: "/v1/invitations/accept", payload: { token: invite.json().token, name: role, password } });
  if (accept.statusCode !== 200) throw new Error(`accept failed: ${accept.body}`);
  const body = accept.json();
  return { token: body.token, userId: body.user.id, workspaceId: body.workspace.id, email, password };
}

export const validAgent = { name: "Front desk", greeting: "Hi, Riverside Dental here.", systemPrompt: "Be kind." };
