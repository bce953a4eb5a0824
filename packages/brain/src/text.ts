/** Words that end in a full stop without ending the sentence: "Dr. Lee", "9 a.m. tomorrow", "e.g. this". */
const ABBREVIATION = /(?:^|[\s(])(?:Dr|Mr|Mrs|Ms|St|Ave|Rd|Blvd|Ste|Jr|Sr|No|Mt|Ft|approx|vs|etc|e\.g|i\.e|[AaPp]\.[Mm]|[A-Z])\.$/;

/**
 * Where a sentence may end: ".", "!" or "?" followed by a space (or the end of the text). A full stop
 * between digits ("$49.99", "3.5 hours") or inside "a.m." is never an end, and an abbreviation
 * ("Dr.", "a.m.", "etc.") does not end a sentence before a word.
 */
const SENTENCE_END = /[.!?]+(?=\s|$)/g;

/** Split a reply into sentences so TTS can start on the first one. Keeps "Dr. Lee", "$49.99" and "9:30 A.M." whole. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (const m of text.matchAll(SENTENCE_END)) {
    const end = (m.index ?? 0) + m[0].length;
    const piece = text.slice(from, end).trim();
    if (!piece || endsInAbbreviation(piece, text.slice(end))) continue;
    out.push(piece);
    from = end;
  }
  const rest = text.slice(from).trim();
  if (rest) out.push(rest);
  return out;
}

/** "Dr." before "Lee" is not an end; "a.m." before "Tomorrow" or at the end of the text still can be. */
function endsInAbbreviation(piece: string, after: string): boolean {
  if (!ABBREVIATION.test(piece)) return false;
  const next = after.trimStart();
  if (next === "") return false;
  // "at 9 a.m. See you then": a time abbreviation before a capitalised word ends the sentence.
  if (/[AaPp]\.[Mm]\.$/.test(piece) && /^[A-Z]/.test(next)) return false;
  return true;
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
      if (endsInAbbreviation(sentence, this.buf.slice(end))) continue;
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
