import type { AppConfig, Role } from "@orbis/config";
import { getBusinessTemplate } from "@orbis/brain";
import { webMount } from "@orbis/web";
import { tuneHeapForServing } from "./heap-tuning.ts";
import { buildPlatform, type Mount } from "./platform.ts";
import { voiceGateway } from "./voice.ts";
import { readDemoCredentials, saveDemoCredentials } from "./local-secrets.ts";
import { createRuntime } from "./runtime.ts";
import { startWorkerRole } from "./worker-role.ts";

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
    }, app.log);
    return;
  }
  const servesApi = role !== "gateway";
  // The demo workspace is the control plane's business: a gateway-only process leaves it to the api.
  if (servesApi && config.env !== "production") await seed(config, runtime);
  // api: control plane and web app; gateway: /v1/stream and the carrier endpoints only; all: both.
  const mounts: Mount[] = [];
  if (servesApi) mounts.push(webMount);
  if (role === "gateway" || role === "all") mounts.push(voiceGateway(runtime));
  const app = await buildPlatform(runtime, { api: servesApi, mounts });
  // `all` is one process: it runs the jobs too.
  const worker = role === "all" ? await startWorkerRole(runtime) : undefined;
  await app.listen({ port: config.port, host: config.host });
  banner(config, runtime.db.kind, role);
  onShutdown(async () => {
    await app.close();
    await worker?.stop();
    await runtime.close();
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
