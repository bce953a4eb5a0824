import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, mkdtempSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

/**
 * `orbis start --role …` child processes on one PostgreSQL database and one Redis, as a deployment runs
 * them behind a proxy: each on a port of its own, its output kept in a log file (named in failures).
 */
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type ProcessRole = "api" | "gateway" | "worker";

export interface OrbisProcess {
  name: string;
  role: ProcessRole;
  child: ChildProcess;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** ws://127.0.0.1:<port> */
  wsBase: string;
  logFile: string;
  /** How long it took from spawn to its first ready answer. */
  readyMs: number;
  /** Resolves with the exit code (null when a signal ended it) once the process has exited. */
  exited: Promise<number | null>;
  /** Whether /readyz answers 200 right now. */
  isReady(): Promise<boolean>;
}

/** `count` distinct free ports: every listener is held open until all are chosen, so none is handed out twice. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  for (let i = 0; i < count; i++) {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    servers.push(server);
  }
  const ports = servers.map((s) => (s.address() as AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

const ready = (baseUrl: string) =>
  fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
    (r) => r.ok,
    () => false,
  );

/** Starts one process and resolves once its /readyz answers 200 (fails with its log if it exits or takes over `timeoutMs`). */
export async function startOrbisProcess(o: {
  name: string;
  role: ProcessRole;
  port: number;
  env: Record<string, string>;
  logDir: string;
  timeoutMs?: number;
}): Promise<OrbisProcess> {
  const logFile = join(o.logDir, `${o.name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, ["--import", "tsx", "apps/cli/src/main.ts", "start", "--role", o.role], {
    cwd: ROOT,
    env: { ...process.env, ...o.env, PORT: String(o.port), HOST: "127.0.0.1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  // "close", not "exit": the output streams have ended by then, so the log ends after their last line.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => (log.end(), resolve(code))));
  const baseUrl = `http://127.0.0.1:${o.port}`;
  const spawnedAt = performance.now();
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${o.name} exited ${child.exitCode} while starting; log: ${logFile}`);
    if (await ready(baseUrl)) break;
    if (Date.now() > deadline) throw new Error(`${o.name} not ready after ${o.timeoutMs ?? 120_000} ms; log: ${logFile}`);
    await sleep(200);
  }
  return {
    name: o.name,
    role: o.role,
    child,
    baseUrl,
    wsBase: baseUrl.replace(/^http/, "ws"),
    logFile,
    readyMs: performance.now() - spawnedAt,
    exited,
    isReady: () => ready(baseUrl),
  };
}

/** Still running (no exit code, no signal seen). */
export const isRunning = (p: OrbisProcess) => p.child.exitCode === null && p.child.signalCode === null;

/** A database of its own on the test server, created empty; `drop()` removes it (closing whatever is still connected). */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A fresh directory for the processes' logs. */
export const logDirectory = (prefix: string) => mkdtempSync(join(tmpdir(), `${prefix}-`));

/** Polls `check` every 100 ms until it is true; fails naming `what` after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(100);
  }
}
