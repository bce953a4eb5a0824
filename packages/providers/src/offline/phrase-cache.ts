/** The text as the engine is given it (and the cache keyed by): runs of whitespace collapsed, trimmed. */
export const spokenText = (text: string): string => text.replace(/\s+/g, " ").trim();

/** One key per voice and spoken text, shared by the cache and the in-flight prefetches. */
export const phraseKey = (voice: string, text: string): string => `${voice}\n${text}`;

/**
 * Synthesised audio by voice and text, least recently used dropped first once `maxBytes` is exceeded.
 * A receptionist says the same sentences on every call (the greeting, opening hours, "Could I have
 * your name?"), and an offline engine is deterministic, so a sentence is synthesised once per process.
 */
export class PhraseCache {
  private readonly entries = new Map<string, Int16Array>();
  private bytes = 0;
  /** Entries a prefetch stored that no request has used yet. */
  private readonly unusedPrefetches = new Set<string>();
  hits = 0;
  misses = 0;
  /** Sentences synthesised ahead (`TtsProvider.prefetch`), and how many of them were then asked for. */
  prefetches = 0;
  prefetchesUsed = 0;

  constructor(readonly maxBytes: number) {}

  get(voice: string, text: string): Int16Array | undefined {
    const key = phraseKey(voice, text);
    const pcm = this.entries.get(key);
    if (!pcm) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    if (this.unusedPrefetches.delete(key)) this.prefetchesUsed++;
    // Most recently used last.
    this.entries.delete(key);
    this.entries.set(key, pcm);
    return pcm;
  }

  /** Whether a sentence is held, without counting a hit or refreshing it. */
  peek(voice: string, text: string): boolean {
    return this.entries.has(phraseKey(voice, text));
  }

  set(voice: string, text: string, pcm: Int16Array, options: { prefetched?: boolean } = {}): void {
    if (pcm.byteLength > this.maxBytes) return;
    const key = phraseKey(voice, text);
    if (options.prefetched) {
      this.prefetches++;
      this.unusedPrefetches.add(key);
    }
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.byteLength;
      this.entries.delete(key);
    }
    this.entries.set(key, pcm);
    this.bytes += pcm.byteLength;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.unusedPrefetches.delete(k);
      this.bytes -= v.byteLength;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get sizeBytes(): number {
    return this.bytes;
  }
}
