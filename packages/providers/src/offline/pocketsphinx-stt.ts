import { Worker } from "node:worker_threads";
import { ProviderError, type SttHandlers, type SttProvider, type SttStream } from "@orbis/ports";
import { POCKETSPHINX_HMM_DIR, loadPocketsphinx } from "./pocketsphinx-lib.ts";
import { openDecoderStream } from "./pocketsphinx-native.mjs";

export interface PocketsphinxOptions {
  /** ARPA (or .lm.bin) language model and its dictionary, e.g. from `buildDomainLm`. */
  lmPath: string;
  dictPath: string;
  hmmDir?: string;
  /**
   * Language models for expected answers over the same dictionary (name → ARPA path, from
   * `buildDomainLm`'s `answerLms`), keyed by what `SttStream.expect` is told ("date", "name", …).
   */
  answerLms?: Record<string, string>;
  /** How often partial hypotheses are read (ms of audio). */
  partialEveryMs?: number;
  /** Extra `-name value` decoder options. */
  extraArgs?: string[];
  /**
   * "worker" (default): every stream's decoder lives on one process-wide worker thread, so decoding
   * (~0.8 ms of native work per 20 ms frame) uses the second core instead of the gateway's event loop.
   * "inline": on the calling thread (also the fallback once the worker has failed).
   */
  thread?: "worker" | "inline";
}

const unavailable = (message: string) => new ProviderError(message, { provider: "pocketsphinx", retryable: false });

type WorkerMessage =
  { type: "opened"; id: number; error?: string } | { type: "partial"; id: number; text: string } | { type: "final"; id: number; seq: number; text: string };

/** The process-wide decoding thread; unref'd while no stream is open so it never keeps a process alive. */
class DecoderWorker {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 1;
  private readonly opening = new Map<number, { resolve(): void; reject(err: Error): void }>();
  private readonly partials = new Map<number, (text: string) => void>();
  private readonly finals = new Map<string, (text: string) => void>();
  private open = 0;

  get available(): boolean {
    return !this.broken;
  }

  async openStream(args: string[], partialEverySamples: number, handlers: SttHandlers, searches: Record<string, string>): Promise<SttStream> {
    const worker = this.start();
    const id = this.nextId++;
    if (this.open++ === 0) worker.ref();
    try {
      await new Promise<void>((resolve, reject) => {
        this.opening.set(id, { resolve, reject });
        worker.postMessage({ type: "open", id, args, partialEverySamples, searches });
      });
    } catch (err) {
      if (--this.open === 0) worker.unref();
      throw err;
    }
    if (handlers.onPartial) this.partials.set(id, handlers.onPartial);
    let seq = 0;
    let closed = false;
    return {
      push: (pcm) => {
        if (closed) return;
        // A copy: the caller's frame buffer is reused or pooled after push returns.
        const copy = pcm.slice();
        worker.postMessage({ type: "push", id, pcm: copy }, [copy.buffer]);
      },
      endUtterance: (signal) => {
        if (closed) return Promise.resolve("");
        const key = `${id}:${++seq}`;
        return new Promise<string>((resolve) => {
          this.finals.set(key, (text) => resolve(signal?.aborted ? "" : text));
          worker.postMessage({ type: "end", id, seq });
        });
      },
      abort: () => {
        if (!closed) worker.postMessage({ type: "abort", id });
      },
      expect: (entity) => {
        if (!closed) worker.postMessage({ type: "expect", id, name: entity });
      },
      close: () => {
        if (closed) return;
        closed = true;
        this.partials.delete(id);
        worker.postMessage({ type: "close", id });
        if (--this.open === 0) worker.unref();
      },
    };
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL("./pocketsphinx-native.mjs", import.meta.url));
    worker.unref();
    worker.on("message", (msg: WorkerMessage) => {
      switch (msg.type) {
        case "opened": {
          const waiting = this.opening.get(msg.id);
          this.opening.delete(msg.id);
          if (msg.error) waiting?.reject(unavailable(msg.error));
          else waiting?.resolve();
          break;
        }
        case "partial":
          this.partials.get(msg.id)?.(msg.text);
          break;
        case "final": {
          const key = `${msg.id}:${msg.seq}`;
          const done = this.finals.get(key);
          this.finals.delete(key);
          done?.(msg.text);
          break;
        }
      }
    });
    const fail = (err: Error) => {
      this.broken = true;
      this.worker = undefined;
      for (const waiting of this.opening.values()) waiting.reject(unavailable(`pocketsphinx worker failed: ${err.message}`));
      this.opening.clear();
      // Utterances in flight end empty; their calls re-prompt, new streams decode on the calling thread.
      for (const done of this.finals.values()) done("");
      this.finals.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`exited with ${code}`)));
    this.worker = worker;
    return worker;
  }
}

const sharedWorker = new DecoderWorker();

/**
 * Offline streaming STT: one pocketsphinx decoder per stream (~9 MB, ~14 ms to create with a
 * domain LM), decoded on the process's decoding thread by default (RTF ≈ 0.04).
 */
export function createPocketsphinxStt(options: PocketsphinxOptions): SttProvider {
  const partialEverySamples = ((options.partialEveryMs ?? 200) * 16000) / 1000;
  return {
    id: "pocketsphinx",
    sampleRate: 16000,
    async createStream(handlers: SttHandlers = {}): Promise<SttStream> {
      // Checked on this thread too: a missing library is reported the same way on either path.
      const loaded = loadPocketsphinx();
      if ("error" in loaded) throw unavailable(`pocketsphinx unavailable: ${loaded.error}`);
      const args = [
        "-hmm",
        options.hmmDir ?? POCKETSPHINX_HMM_DIR,
        "-lm",
        options.lmPath,
        "-dict",
        options.dictPath,
        ...(options.extraArgs?.includes("-logfn") ? [] : ["-logfn", "/dev/null"]),
        ...(options.extraArgs ?? []),
      ];
      const searches = options.answerLms ?? {};
      if (options.thread !== "inline" && sharedWorker.available) return sharedWorker.openStream(args, partialEverySamples, handlers, searches);
      let stream;
      try {
        stream = openDecoderStream(loaded.lib, args, partialEverySamples, handlers.onPartial, searches);
      } catch (err) {
        throw unavailable(err instanceof Error ? err.message : String(err));
      }
      return {
        push: (pcm) => stream.push(pcm),
        endUtterance: async (signal) => {
          const text = stream.end();
          return signal?.aborted ? "" : text;
        },
        abort: () => stream.abort(),
        close: () => stream.close(),
        expect: (entity) => stream.expect(entity),
      };
    },
  };
}
