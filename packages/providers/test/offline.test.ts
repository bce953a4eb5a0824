import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  POCKETSPHINX_APT_INSTALL,
  PhraseCache,
  buildDomainLm,
  createFliteTts,
  createFvadVad,
  createPocketsphinxStt,
  speechAvailability,
  sttProviders,
  ttsProviders,
  vadProviders,
} from "../src/index.ts";
import { describeSttConformance, describeTtsConformance, describeVadConformance } from "../src/testing.ts";
import { RECEPTIONIST_SPEC, speak } from "./fixtures.ts";

const availability = speechAvailability();
if (!availability.stt) console.warn(`[offline STT tests skipped] ${availability.reason}`);

describe("speechAvailability", () => {
  it("reports the library state, with the apt command when it is missing", () => {
    if (availability.stt) expect(availability.reason).toBeUndefined();
    else expect(availability.reason).toContain(POCKETSPHINX_APT_INSTALL);
  });
});

describe("registry", () => {
  it("maps ids to working factories", async () => {
    const vad = await vadProviders.fvad({ mode: 3 });
    expect(vad.frameSamples).toBe(320);
    vad.free();
    expect(ttsProviders.flite({ voice: "kal16" }).id).toBe("flite:kal16");
    expect(ttsProviders.flite({ voice: "unknown" }).id).toBe("flite:slt");
  });
});

describeVadConformance(
  "fvad",
  () => createFvadVad(),
  () => speak("I would like to book a cleaning next Tuesday", "kal16", 0, 0),
);
describeTtsConformance("flite slt", () => createFliteTts({ voice: "slt" }));
describeTtsConformance("flite kal16", () => createFliteTts({ voice: "kal16" }));
describeTtsConformance("flite slt on the calling thread", () => createFliteTts({ voice: "slt", thread: "inline" }));

describe("flite worker thread", () => {
  const collect = async (tts: ReturnType<typeof createFliteTts>, text: string, signal = new AbortController().signal) => {
    const out: number[] = [];
    for await (const chunk of tts.synthesize(text, signal)) out.push(...chunk);
    return out;
  };
  it("speaks the same samples as the calling thread", async () => {
    const text = "Thank you for calling Riverside Dental.";
    const [worker, inline] = await Promise.all([
      collect(createFliteTts({ cache: false }), text),
      collect(createFliteTts({ thread: "inline", cache: false }), text),
    ]);
    expect(worker.length).toBeGreaterThan(8000);
    expect(worker).toEqual(inline);
  });
  it("drops a queued sentence whose turn was interrupted and keeps serving the rest", async () => {
    const tts = createFliteTts({ cache: false });
    const cut = new AbortController();
    const first = collect(tts, "This long first sentence keeps the worker busy for a little while, as sentences do.");
    const dropped = collect(tts, "This one is interrupted before it starts.", cut.signal);
    cut.abort();
    const after = collect(tts, "And this one is spoken.");
    expect((await first).length).toBeGreaterThan(0);
    expect(await dropped).toEqual([]);
    expect((await after).length).toBeGreaterThan(0);
  });
});

describe("flite phrase cache", () => {
  const collect = async (tts: ReturnType<typeof createFliteTts>, text: string, signal = new AbortController().signal) => {
    const chunks: Int16Array[] = [];
    for await (const chunk of tts.synthesize(text, signal)) chunks.push(chunk);
    return chunks;
  };
  it("synthesises a sentence once per voice; a repeat is the same audio, in copies", async () => {
    const cache = new PhraseCache(1024 * 1024);
    const text = "We are open Monday to Friday.";
    const first = await collect(createFliteTts({ voice: "kal16", cache }), text);
    expect(cache).toMatchObject({ hits: 0, misses: 1, size: 1 });
    const again = await collect(createFliteTts({ voice: "kal16", cache }), `  ${text} `);
    expect(cache).toMatchObject({ hits: 1, misses: 1 });
    expect(again.flatMap((c) => [...c])).toEqual(first.flatMap((c) => [...c]));
    again[0]!.fill(0);
    expect((await collect(createFliteTts({ voice: "kal16", cache }), text))[0]).toEqual(first[0]);
    // Another voice is another entry.
    await collect(createFliteTts({ voice: "slt", cache }), text);
    expect(cache).toMatchObject({ misses: 2, size: 2 });
  });
  it("stops a cached sentence when the turn is interrupted, and keeps nothing from an aborted synthesis", async () => {
    const cache = new PhraseCache(1024 * 1024);
    const text = "Could I have your name, please?";
    await collect(createFliteTts({ voice: "kal16", cache }), text);
    const cut = new AbortController();
    const heard: Int16Array[] = [];
    for await (const chunk of createFliteTts({ voice: "kal16", cache }).synthesize(text, cut.signal)) {
      heard.push(chunk);
      cut.abort();
    }
    expect(heard).toHaveLength(1);
    const aborted = new AbortController();
    aborted.abort();
    expect(await collect(createFliteTts({ voice: "kal16", cache }), "Never spoken.", aborted.signal)).toEqual([]);
    expect(cache.size).toBe(1);
  });
  it("a prefetched sentence is synthesised once: a request during the prefetch waits for it, later ones hit", async () => {
    const cache = new PhraseCache(1024 * 1024);
    const tts = createFliteTts({ voice: "kal16", cache });
    const text = "Your appointment is on Tuesday, March 10 at noon.";
    tts.prefetch!(text);
    tts.prefetch!(text);
    const during = await collect(tts, text);
    expect(cache).toMatchObject({ hits: 1, misses: 0, size: 1, prefetches: 1, prefetchesUsed: 1 });
    const reference = await collect(createFliteTts({ voice: "kal16", cache: false }), text);
    expect(during.flatMap((c) => [...c])).toEqual(reference.flatMap((c) => [...c]));
    tts.prefetch!(text);
    await collect(tts, text);
    expect(cache).toMatchObject({ hits: 2, misses: 0, prefetches: 1, prefetchesUsed: 1 });
    // A prefetch nobody asks for stays unused.
    tts.prefetch!("Sorry, that time has just been taken.");
    await new Promise((r) => setTimeout(r, 1500));
    expect(cache).toMatchObject({ prefetches: 2, prefetchesUsed: 1, size: 2 });
  });
  it("drops the least recently used sentence beyond its byte budget", () => {
    const cache = new PhraseCache(2500);
    cache.set("v", "a", new Int16Array(500));
    cache.set("v", "b", new Int16Array(500));
    cache.get("v", "a");
    cache.set("v", "c", new Int16Array(500));
    expect([cache.get("v", "a"), cache.get("v", "b"), cache.get("v", "c")].map((x) => x !== undefined)).toEqual([true, false, true]);
    expect(cache.sizeBytes).toBe(2000);
    cache.set("v", "huge", new Int16Array(2000));
    expect(cache.get("v", "huge")).toBeUndefined();
  });
});

const cacheDir = mkdtempSync(join(tmpdir(), "orbis-stt-conf-"));
describeSttConformance(
  "pocketsphinx (domain LM)",
  () => sttProviders.pocketsphinx({ phraseSpec: RECEPTIONIST_SPEC, cacheDir }),
  async () => ({ audio: await speak("I would like to book a cleaning next Tuesday"), expected: /book a cleaning next tuesday/ }),
  { skip: availability.stt ? undefined : availability.reason },
);
describeSttConformance(
  "pocketsphinx (domain LM) on the calling thread",
  () => {
    const lm = buildDomainLm(RECEPTIONIST_SPEC, { cacheDir });
    return createPocketsphinxStt({ lmPath: lm.lmPath, dictPath: lm.dictPath, thread: "inline" });
  },
  async () => ({ audio: await speak("I would like to book a cleaning next Tuesday"), expected: /book a cleaning next tuesday/ }),
  { skip: availability.stt ? undefined : availability.reason },
);

describe.skipIf(!availability.stt)("pocketsphinx decoding thread", () => {
  it("many streams at once each get their own final, the same as on the calling thread", async () => {
    const lm = buildDomainLm(RECEPTIONIST_SPEC, { cacheDir });
    const lines = ["I would like to book a cleaning next Tuesday", "what are your opening hours", "can I leave a message"];
    const transcribe = async (thread: "worker" | "inline", line: string) => {
      const stream = await createPocketsphinxStt({ lmPath: lm.lmPath, dictPath: lm.dictPath, thread }).createStream();
      const audio = await speak(line);
      for (let i = 0; i < audio.length; i += 320) stream.push(audio.subarray(i, i + 320));
      const text = await stream.endUtterance();
      stream.close();
      return text;
    };
    const onWorker = await Promise.all(lines.map((line) => transcribe("worker", line)));
    const inline: string[] = [];
    for (const line of lines) inline.push(await transcribe("inline", line));
    expect(onWorker).toEqual(inline);
    expect(onWorker[0]).toMatch(/book a cleaning next tuesday/);
  });
});
