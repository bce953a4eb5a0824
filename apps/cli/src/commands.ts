import { hashPassword, randomToken } from "@orbis/auth";
import { getBusinessTemplate } from "@orbis/brain";
import { ConfigError, type AppConfig, type Role } from "@orbis/config";
import { createId, signupBodySchema } from "@orbis/contracts";
import { referralAdminRepository, systemRepository, type Database } from "@orbis/db";
import { webMount } from "@orbis/web";
import { tuneHeapForServing } from "./heap-tuning.ts";
import { buildPlatform, type Mount } from "./platform.ts";
import { voiceGateway } from "./voice.ts";
import { readDemoCredentials, saveDemoCredentials } from "./local-secrets.ts";
import { createRuntime } from "./runtime.ts";
import { startWorkerRole } from "./worker-role.ts";
import { startTelemetry } from "./telemetry.ts";

export async function migrateCommand(config: AppConfig) {
  const runtime = createRuntime(config);
  await runtime.db.migrate();
  console.log(`orbis: migrations applied (${runtime.db.kind})`);
  await runtime.close();
}

function baseUrl(config: AppConfig) {
  return config.publicBaseUrl ?? `http://localhost:${config.port}`;
}

async function seed(config: AppConfig, runtime: ReturnType<typeof createRuntime>) {
  const dental = getBusinessTemplate("dental");
  const { seedDemo } = await import("@orbis/api");
  const seeded = await seedDemo(runtime.db, {
    origins: [baseUrl(config), `http://127.0.0.1:${config.port}`],
    template: {
      name: "Riverside Dental receptionist",
      greeting: "Thank you for calling Riverside Dental. How can I help you today?",
      systemPrompt: dental.agent.systemPrompt.replaceAll(dental.business.name, "Riverside Dental"),
      business: { ...dental.business, name: "Riverside Dental", greeting: "Thank you for calling Riverside Dental. How can I help you today?" },
    },
  });
  if (seeded.created) {
    saveDemoCredentials(config.dataDir, {
      email: seeded.email!,
      password: seeded.password!,
      publishableKey: seeded.publishableKey!,
      agentId: seeded.agentId!,
      workspaceId: seeded.workspaceId,
    });
  }
  return seeded;
}

export async function seedCommand(config: AppConfig) {
  const runtime = createRuntime(config);
  await runtime.db.migrate();
  const seeded = await seed(config, runtime);
  console.log(seeded.created ? `orbis: demo workspace created (${seeded.workspaceId})` : "orbis: demo workspace already exists");
  await runtime.close();
}

export interface PlatformAdminResult {
  userId: string;
  email: string;
  /** True when the user did not exist and was created. */
  created: boolean;
  /** The generated password of a new user: shown once, never stored in clear. */
  password?: string;
  /** A new user's own workspace ("Operator"): signing in needs a membership (sessions are per workspace). */
  workspaceId?: string;
}

/**
 * Makes the user with this email a platform operator (`platform_admins`). Without such a user, creates
 * one with a generated password and a workspace of their own named "Operator": the sign-in flow issues a
 * session for a membership, so a user without a workspace could not sign in to reach the console.
 */
export async function createPlatformAdmin(db: Database, o: { email: string; name?: string | undefined }): Promise<PlatformAdminResult> {
  const parsed = signupBodySchema.shape.email.safeParse(o.email);
  if (!parsed.success) throw new ConfigError(`--email: not an email address (got "${o.email}")`);
  const email = parsed.data;
  const existing = await systemRepository(db.system).findUserByEmail(email);
  if (existing) {
    await referralAdminRepository(db.system).addPlatformAdmin(existing.id);
    return { userId: existing.id, email, created: false };
  }
  const password = randomToken(18);
  const passwordHash = await hashPassword(password);
  const userId = createId("user");
  const workspaceId = createId("workspace");
  await db.system.transaction(async (tx) => {
    const sys = systemRepository(tx);
    await sys.insertUser({ id: userId, email, name: o.name?.trim() || "Operator", passwordHash });
    await sys.insertWorkspace({ id: workspaceId, name: "Operator", slug: `operator-${workspaceId.slice(3, 11)}` });
    await sys.insertMembership({ id: createId("membership"), workspaceId, userId, role: "owner" });
    await referralAdminRepository(tx).addPlatformAdmin(userId);
  });
  return { userId, email, created: true, password, workspaceId };
}

/** `orbis admin create --email … [--name …]`. */
export async function adminCommand(config: AppConfig, action: string | undefined, o: { email?: string | undefined; name?: string | undefined }) {
  if (action !== "create") throw new ConfigError(`usage: orbis admin create --email <email> [--name <name>]`);
  if (!o.email) throw new ConfigError("orbis admin create needs --email <email>");
  const runtime = createRuntime(config);
  try {
    await runtime.db.migrate();
    const result = await createPlatformAdmin(runtime.db, { email: o.email, name: o.name });
    if (result.created) {
      console.log(`orbis: created ${result.email} as platform operator (with a workspace "Operator")`);
      console.log(`orbis: password (shown once): ${result.password}`);
    } else {
      console.log(`orbis: ${result.email} is a platform operator`);
    }
  } finally {
    await runtime.close();
  }
}

/** What `orbis start` prints: addresses and which services are configured, by variable name, never a secret's value. */
export function banner(config: AppConfig, dbKind: string, role: Role) {
  const url = baseUrl(config);
  const demo = readDemoCredentials(config.dataDir);
  const lines = [
    "",
    `  OrbisVoice is running (role: ${role})`,
    ...(role === "gateway"
      ? [`  ─ Voice      ${url.replace(/^http/, "ws")}/v1/stream   Carriers ${url}/v1/telephony/…`]
      : role === "worker"
        ? [`  ─ Jobs       events → webhooks, email, text messages; schedules`]
        : [`  ─ App        ${url}`, `  ─ API docs   ${url}/docs`]),
    `  ─ Health     ${url}/healthz   Metrics ${url}/metrics`,
    `  ─ Database   ${dbKind === "pglite" ? `embedded PGlite in ${config.dataDir}/pgdata` : "PostgreSQL (DATABASE_URL)"}`,
    `  ─ Cache      ${config.redisUrl ? "Redis (REDIS_URL)" : "in-process"}`,
  ];
  if (demo && role !== "gateway" && role !== "worker") {
    lines.push(
      "",
      "  Demo workspace: Riverside Dental",
      `  ─ Login      ${demo.email} / ${demo.password}`,
      `  ─ Agent      ${demo.agentId}`,
      `  ─ Widget key ${demo.publishableKey}`,
      `  (kept in ${config.dataDir}/demo-credentials.json)`,
    );
  }
  console.log(lines.join("\n") + "\n");
}

export async function startCommand(config: AppConfig, role: Role) {
  tuneHeapForServing();
  // Traces (OTEL_EXPORTER_OTLP_ENDPOINT): flushed after the server and its calls have closed.
  const telemetry = await startTelemetry(config, role);
  const runtime = createRuntime(config);
  await runtime.db.migrate();
  if (role === "worker") {
    // Jobs only: no control plane, no voice; the server is there for /healthz, /readyz and /metrics.
    const worker = await startWorkerRole(runtime);
    const app = await buildPlatform(runtime, { api: false });
    await app.listen({ port: config.port, host: config.host });
    banner(config, runtime.db.kind, role);
    onShutdown(async () => {
      await app.close();
      await worker.stop();
      await runtime.close();
      await telemetry.shutdown();
    }, app.log);
    return;
  }
  const servesApi = role !== "gateway";
  // The demo workspace is the control plane's business: a gateway-only process leaves it to the api.
  if (servesApi && config.env !== "production") await seed(config, runtime);
  // api: control plane and web app; gateway: /v1/stream and the carrier endpoints only; all: both.
  const mounts: Mount[] = [];
  if (servesApi) mounts.push(webMount);
  if (role === "gateway" || role === "all") mounts.push(voiceGateway(runtime, telemetry));
  const app = await buildPlatform(runtime, { api: servesApi, mounts });
  // `all` is one process: it runs the jobs too.
  const worker = role === "all" ? await startWorkerRole(runtime) : undefined;
  await app.listen({ port: config.port, host: config.host });
  banner(config, runtime.db.kind, role);
  onShutdown(async () => {
    await app.close();
    await worker?.stop();
    await runtime.close();
    await telemetry.shutdown();
  }, app.log);
}

/** SIGINT/SIGTERM: finish what is running (requests, calls, jobs), close, exit. */
function onShutdown(close: () => Promise<void>, log: { info(obj: object, msg?: string): void }) {
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, "shutting down");
    await close();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}
