import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { ProviderError, type TtsProvider } from "@orbis/ports";
import { synthesizeWithFlite, wavPcm } from "./flite-engine.mjs";
import { PhraseCache, phraseKey, spokenText } from "./phrase-cache.ts";

export { wavPcm };

export type FliteVoice = "slt" | "kal16" | "rms" | "awb" | "kal";

export interface FliteOptions {
  /** slt (female), kal16/rms (male), awb (Scottish male) at 16 kHz; kal is 8 kHz. Default slt. */
  voice?: FliteVoice;
  /** Bytes of audio per yielded chunk (default 100 ms). */
  chunkMs?: number;
  /**
   * "worker" (default): synthesis runs on one process-wide worker thread, so a sentence (60–300 ms of
   * synchronous WASI work) never stalls other calls' audio on the main event loop. "inline": on the
   * calling thread (also the fallback once a worker has failed).
   */
  thread?: "worker" | "inline";
  /** Sentences already synthesised (default: one process-wide 16 MB cache; `false` for none). */
  cache?: PhraseCache | false;
}

/** The process-wide flite phrase cache: ~8 minutes of 16 kHz speech. */
export const flitePhraseCache = new PhraseCache(16 * 1024 * 1024);
/** Prefetches in flight, by voice and text. */
const prefetching = new Map<string, Promise<Int16Array | undefined>>();

type Job = { resolve(pcm: Int16Array | undefined): void; reject(err: Error): void };

/** The process-wide flite worker: jobs run in order; it is unref'd while idle so it never keeps a process alive. */
class FliteWorker {
  private worker: Worker | undefined;
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;
  private broken = false;

  get available(): boolean {
    return !this.broken;
  }

  synthesize(voice: string, text: string, signal: AbortSignal): Promise<Int16Array | undefined> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => worker.postMessage({ type: "cancel", id });
      signal.addEventListener("abort", onAbort, { once: true });
      const settle = () => signal.removeEventListener("abort", onAbort);
      this.jobs.set(id, {
        resolve: (pcm) => (settle(), resolve(pcm)),
        reject: (err) => (settle(), reject(err)),
      });
      worker.ref();
      worker.postMessage({ type: "speak", id, voice, text });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./flite-engine.mjs", import.meta.url));
    worker.unref();
    worker.on("message", (msg: { id: number; pcm?: Int16Array; error?: string }) => {
      const job = this.jobs.get(msg.id);
      this.jobs.delete(msg.id);
      if (this.jobs.size === 0) worker.unref();
      if (!job) return;
      if (msg.error) job.reject(new Error(msg.error));
      else job.resolve(msg.pcm);
    });
    const fail = (err: Error) => {
      this.broken = true;
      this.worker = undefined;
      for (const job of this.jobs.values()) job.reject(err);
      this.jobs.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`flite worker exited with ${code}`)));
    this.worker = worker;
    return worker;
  }
}

const sharedWorker = new FliteWorker();

/**
 * flite compiled to WASI, sentence by sentence: audio arrives once the sentence is synthesised
 * (kal16 ~20 ms, slt ~60–300 ms a sentence), on the worker thread by default; a sentence said before
 * in this process comes from the phrase cache at once.
 */
export function createFliteTts(options: FliteOptions = {}): TtsProvider {
  const voice = options.voice ?? "slt";
  const sampleRate = voice === "kal" ? 8000 : 16000;
  const chunk = ((options.chunkMs ?? 100) * sampleRate) / 1000;
  const cache = options.cache === false ? undefined : (options.cache ?? flitePhraseCache);
  let dir: string | undefined;
  let closed = false;
  const inline = (text: string): Promise<Int16Array> => {
    dir ??= mkdtempSync(join(tmpdir(), "orbis-flite-"));
    return synthesizeWithFlite(dir, voice, text);
  };
  const run = (clean: string, signal: AbortSignal): Promise<Int16Array | undefined> =>
    options.thread !== "inline" && sharedWorker.available ? sharedWorker.synthesize(voice, clean, signal) : inline(clean);
  return {
    id: `flite:${voice}`,
    sampleRate,
    wholeUtterance: true,
    prefetch(text) {
      const clean = spokenText(text);
      const key = phraseKey(voice, clean);
      if (!cache || !clean || closed || cache.peek(voice, clean) || prefetching.has(key)) return;
      const job = run(clean, new AbortController().signal).then(
        (pcm) => {
          if (pcm) cache.set(voice, clean, pcm, { prefetched: true });
          return pcm;
        },
        () => undefined,
      );
      prefetching.set(key, job);
      void job.finally(() => prefetching.delete(key));
    },
    async *synthesize(text, signal) {
      const clean = spokenText(text);
      if (!clean || signal.aborted || closed) return;
      // A sentence being prefetched: wait for that synthesis rather than queue a second one.
      const ahead = cache && prefetching.get(phraseKey(voice, clean));
      if (ahead) await ahead;
      let pcm = cache?.get(voice, clean);
      if (pcm) {
        // Copies: whoever receives a chunk may own it.
        for (let i = 0; i < pcm.length && !signal.aborted && !closed; i += chunk) yield pcm.slice(i, Math.min(pcm.length, i + chunk));
        return;
      }
      try {
        pcm = await run(clean, signal);
      } catch (err) {
        throw new ProviderError(`flite failed: ${err instanceof Error ? err.message : String(err)}`, { provider: "flite", retryable: false, cause: err });
      }
      if (!pcm || signal.aborted || closed) return;
      cache?.set(voice, clean, pcm);
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
