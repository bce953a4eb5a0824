/**
 * Word error rate of what the agent's recogniser heard against what the caller said, over a whole call
 * (the recogniser may split or join turns, so turns are not aligned one by one). Numbers are left out on
 * both sides: the script writes "212 555 0143" where the synthetic voice and the recogniser say words
 * ("two one two…", "two hundred twelve…"), and the bench judges numbers on what was stored.
 */
const NUMBER_WORDS =
  /^(zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|double|triple)$/;

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/\.\.\./g, " ")
    .replace(/[^a-z0-9' ]+/g, " ")
    .split(/\s+/)
    .filter((w) => w && !/\d/.test(w) && !NUMBER_WORDS.test(w));
}

/** Word-level edit distance (substitutions, insertions, deletions). */
function editDistance(ref: readonly string[], hyp: readonly string[]): number {
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const cur = [i];
    for (let j = 1; j <= hyp.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[hyp.length]!;
}

/** Errors and reference words of one call: WER = errors / words, summed over calls for a path. */
export function callWordErrors(said: readonly string[], heard: readonly string[]): { errors: number; words: number } {
  const ref = said.flatMap(wordsOf);
  return { errors: editDistance(ref, heard.flatMap(wordsOf)), words: ref.length };
}
