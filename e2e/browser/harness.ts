import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { chromium, type Browser, type BrowserContext, type LaunchOptions, type Page } from "playwright-core";
import { createBrainFactory } from "@orbis/agent-runtime";
import { buildPlatform, createRuntime } from "@orbis/cli";
import { testConfig } from "@orbis/config";
import { cascadedPipeline, gatewayMount, offlineSpeechStack } from "@orbis/gateway";
import { ttsProviders } from "@orbis/providers";
import { webMount } from "@orbis/web";
import { encodeWav } from "./wav.ts";

// Node 20's node:wasi syscalls are V8 fast API calls, and once TurboFan optimises a caller they can
// read a receiver without internal fields: "FATAL ERROR: v8::Object::GetAlignedPointerFromInternalField()
// Internal field out of bounds" or "TypeError: number 0 is not a function", intermittently, in any process
// that synthesises a lot with flite (WASI): here the gateway's agent voice plus the caller WAV
// (nodejs/node#48114). Turning fast API calls off before anything is optimised avoids it.
setFlagsFromString("--no-turbo-fast-api-calls");

const here = dirname(fileURLToPath(import.meta.url));
export const REPO = resolve(here, "../..");
export const RESULTS = join(REPO, "test-results");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/** Builds the SPA and widget once if a previous build is missing (the served files are the real build). */
export function ensureBuilt() {
  if (!existsSync(join(REPO, "apps/web/dist/index.html"))) execFileSync("npm", ["run", "build", "-w", "@orbis/web"], { cwd: REPO, stdio: "inherit" });
  if (!existsSync(join(REPO, "apps/widget/dist/widget.js"))) execFileSync("npm", ["run", "build", "-w", "@orbis/widget"], { cwd: REPO, stdio: "inherit" });
}

export interface Platform {
  baseUrl: string;
  close(): Promise<void>;
}

/** The same composition as `orbis start`: api + web mount + gateway (offline speech, database-backed brains). */
export async function startPlatform(): Promise<Platform> {
  const dataDir = mkdtempSync(join(tmpdir(), "orbis-web-e2e-"));
  const runtime = createRuntime(testConfig({ dataDir, rateLimitPerMinute: 10_000 }));
  await runtime.db.migrate();
  const gateway = gatewayMount({ brains: createBrainFactory(runtime.db), pipeline: cascadedPipeline(offlineSpeechStack(join(dataDir, "speech"))) });
  const app = await buildPlatform(runtime, { mounts: [webMount, gateway] });
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as { port: number };
  return {
    // localhost, not 127.0.0.1: both are secure contexts, and the second origin test uses 127.0.0.1.
    baseUrl: `http://localhost:${port}`,
    async close() {
      await app.close();
      await runtime.close();
    },
  };
}

/** A plain static server for examples/ on another origin (a customer's website). */
export async function startHostSite(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/embed.html") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(readFileSync(join(REPO, "examples/embed.html")));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

export async function launch(extraArgs: string[] = [], options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--headless=new", ...extraArgs], ...options });
}

/** Collects page errors and console errors so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    // Expected 4xx from the API (401 on /v1/auth/me when logged out, 403 tests) are logged by Chromium as resource errors.
    if (m.type() === "error" && !/Failed to load resource: the server responded with a status of 4\d\d/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function signupViaApi(ctx: BrowserContext, baseUrl: string, label: string) {
  const email = `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const password = "correct horse battery";
  const res = await ctx.request.post(`${baseUrl}/v1/auth/signup`, { data: { email, password, name: `${label} owner`, workspaceName: `${label} Co` } });
  if (res.status() !== 201) throw new Error(`signup ${res.status()} ${await res.text()}`);
  return { email, password };
}

/** A caller line as 16 kHz mono PCM16 WAV, synthesised offline (flite), with leading silence (≥ 0.5 s, or long enough to wait out the greeting) and 3 s after: Chromium starts the file at getUserMedia, so speech at its very start would be lost. */
export async function callerWav(text: string, leadSec = 0.8): Promise<string> {
  const tts = ttsProviders.flite({ voice: "kal16" });
  const chunks: Int16Array[] = [];
  for await (const c of tts.synthesize(text, new AbortController().signal)) chunks.push(c);
  tts.close?.();
  const rate = 16_000;
  const lead = Math.round(rate * leadSec);
  const tail = rate * 3;
  const speech = chunks.reduce((n, c) => n + c.length, 0);
  const pcm = new Int16Array(lead + speech + tail);
  let o = lead;
  for (const c of chunks) {
    pcm.set(c, o);
    o += c.length;
  }
  const file = join(mkdtempSync(join(tmpdir(), "orbis-wav-")), "caller.wav");
  writeFileSync(file, encodeWav(pcm, rate));
  return file;
}
