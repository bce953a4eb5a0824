const ABBREVIATION = /\b(Dr|Mr|Mrs|Ms|St|Ave|Rd|Blvd|Ste|Jr|Sr|No|[A-Z])\.$/;

/** Split a reply into sentences so TTS can start on the first one. Keeps "Dr. Lee" and "9:30 A.M." whole. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  const re = /[^.!?]+(?:[.!?]+|$)/g;
  let carry = "";
  for (const m of text.matchAll(re)) {
    const piece = carry + m[0];
    if (ABBREVIATION.test(piece.trim())) {
      carry = piece;
      continue;
    }
    carry = "";
    const t = piece.trim();
    if (t) out.push(t);
  }
  if (carry.trim()) out.push(carry.trim());
  return out;
}

/** Incremental splitter for streamed model text: emits each sentence once it is complete. */
export class SentenceStream {
  private buf = "";
  push(delta: string): string[] {
    this.buf += delta;
    const out: string[] = [];
    let from = 0;
    for (const m of this.buf.matchAll(/[.!?]+\s+(?=\S)/g)) {
      const end = (m.index ?? 0) + m[0].length;
      const sentence = this.buf.slice(from, end).trim();
      if (ABBREVIATION.test(sentence)) continue;
      out.push(sentence);
      from = end;
    }
    this.buf = this.buf.slice(from);
    return out;
  }
  flush(): string[] {
    const t = this.buf.trim();
    this.buf = "";
    return t ? [t] : [];
  }
}
