const BOUNDARY = /[.!?]+["')\]]*\s+/g;

/** Splits streamed text into sentences so speech can start on the first one. */
export class SentenceSplitter {
  private buffer = "";

  push(chunk: string): string[] {
    this.buffer += chunk;
    const out: string[] = [];
    let start = 0;
    BOUNDARY.lastIndex = 0;
    for (let m = BOUNDARY.exec(this.buffer); m; m = BOUNDARY.exec(this.buffer)) {
      const sentence = this.buffer.slice(start, m.index + m[0].length).trim();
      if (sentence) out.push(sentence);
      start = m.index + m[0].length;
    }
    this.buffer = this.buffer.slice(start);
    // A chunk that ends a sentence (as a rule-based brain's events do) is complete now.
    if (/[.!?]["')\]]*$/.test(this.buffer)) {
      const sentence = this.buffer.trim();
      if (sentence) out.push(sentence);
      this.buffer = "";
    }
    return out;
  }

  flush(): string | null {
    const rest = this.buffer.trim();
    this.buffer = "";
    return rest || null;
  }
}

const CLAUSE_BOUNDARY = /[,;:]\s+|\s+(?:—|–|-)\s+/g;
const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/**
 * Splits a long sentence after its first clause ("We're open Monday to Friday 8 to 5, and Saturday
 * mornings." → two parts) when both parts are long enough to sound natural on their own; otherwise
 * answers the sentence whole. An engine that synthesises whole utterances starts speaking after the
 * head instead of the sentence.
 */
export function splitFirstClause(sentence: string, options: { minSentenceWords?: number; minPartWords?: number } = {}): string[] {
  const minSentence = options.minSentenceWords ?? 10;
  const minPart = options.minPartWords ?? 3;
  if (wordCount(sentence) < minSentence) return [sentence];
  CLAUSE_BOUNDARY.lastIndex = 0;
  for (let m = CLAUSE_BOUNDARY.exec(sentence); m; m = CLAUSE_BOUNDARY.exec(sentence)) {
    const head = sentence.slice(0, m.index + m[0].trimEnd().length).trim();
    const tail = sentence.slice(m.index + m[0].length).trim();
    if (wordCount(tail) < minPart) break;
    if (wordCount(head) >= minPart) return [head, tail];
  }
  return [sentence];
}
