import { normalize, sentences } from "./text.ts";

/**
 * What the prospect says, one reply at a time, never saying the same sentence twice in a row: a line
 * whose sentence was in the previous reply (or earlier in this one) is swapped for another variant, or
 * restated ("Like I said, …") when there is no other.
 */
export class Lines {
  private previous = new Set<string>();
  private current: string[] = [];
  private readonly rotation = new Map<string, number>();

  /** Starts a reply: what the last one said is what must not be said again now. */
  begin(): void {
    if (this.current.length > 0) this.previous = new Set(this.current.flatMap(sentenceKeys));
    this.current = [];
  }

  /** The reply so far. */
  get said(): readonly string[] {
    return this.current;
  }

  /** Says one of the variants, taking turns through them so a repeated situation sounds different. */
  pick(key: string, variants: readonly string[], fill: (line: string) => string = (line) => line): string {
    return this.say(this.choose(key, variants, fill));
  }

  /** One of the variants (filled), not yet said: the next in turn that does not repeat a sentence. */
  choose(key: string, variants: readonly string[], fill: (line: string) => string = (line) => line): string {
    const start = this.rotation.get(key) ?? 0;
    for (let i = 0; i < variants.length; i++) {
      const line = fill(variants[(start + i) % variants.length] as string);
      if (!this.repeats(line)) {
        this.rotation.set(key, start + i + 1);
        return line;
      }
    }
    this.rotation.set(key, start + 1);
    return this.restated(fill(variants[start % variants.length] as string));
  }

  /** Says a fixed line (an objection, a concession), restated if it was just said. */
  line(text: string): string {
    return this.say(this.repeats(text) ? this.restated(text) : text);
  }

  /** A lead-in and a fixed line as one utterance ("Not so fast. Like I said, …"). */
  lead(lead: string, text: string): string {
    return this.say(`${lead} ${this.repeats(text) ? this.restated(text) : text}`);
  }

  private say(text: string): string {
    this.current.push(text);
    return text;
  }

  private repeats(line: string): boolean {
    const mine = new Set(this.current.flatMap(sentenceKeys));
    return sentenceKeys(line).some((k) => this.previous.has(k) || mine.has(k));
  }

  /** The line's first sentence, restated: "Like I said, we just rolled out a new system." */
  private restated(line: string): string {
    const first = sentences(line)[0]?.text ?? line;
    for (const prefix of ["Like I said,", "Again,", "As I told you,"]) {
      const text = `${prefix} ${lowerFirst(first)}`;
      if (!this.repeats(text)) return text;
    }
    return `Look, ${lowerFirst(first)}`;
  }
}

const sentenceKeys = (line: string): string[] => sentences(line).map((s) => normalize(s.text));

/** "Send me an email." → "send me an email." — but "I" and names keep their capital. */
function lowerFirst(line: string): string {
  if (/^I\b/.test(line) || /^[A-Z][A-Z]/.test(line)) return line;
  return line.charAt(0).toLowerCase() + line.slice(1);
}
