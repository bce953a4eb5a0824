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
