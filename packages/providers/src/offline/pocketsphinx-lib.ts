import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bindPocketsphinx } from "./pocketsphinx-native.mjs";

/**
 * Debian's pocketsphinx 0.8+5prealpha (old `cmd_ln_t` API), loaded through koffi so no compiler or
 * -dev package is needed. One handle per process; decoders are cheap (~9 MB, ~14 ms with a domain LM).
 */
export interface PocketsphinxLib {
  /** Parses `-name value` pairs into a config; returns null when an option is rejected. */
  parseConfig(args: string[]): unknown;
  init(config: unknown): unknown;
  freeConfig(config: unknown): void;
  free(decoder: unknown): void;
  startUtt(decoder: unknown): number;
  processRaw(decoder: unknown, pcm: Int16Array, samples: number): number;
  getHyp(decoder: unknown): string | null;
  endUtt(decoder: unknown): number;
  /** Loads another language model as the named search (0 on success). */
  addLm(decoder: unknown, name: string, path: string): number;
  /** Makes the named search current (between utterances; 0 on success). */
  setSearch(decoder: unknown, name: string): number;
  getSearch(decoder: unknown): string;
}

export const POCKETSPHINX_APT_INSTALL = "apt-get install -y --no-install-recommends libpocketsphinx3 pocketsphinx-en-us";

export const POCKETSPHINX_MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";
export const POCKETSPHINX_HMM_DIR = `${POCKETSPHINX_MODEL_DIR}/en-us`;
export const CMUDICT_PATH = `${POCKETSPHINX_MODEL_DIR}/cmudict-en-us.dict`;

let cached: { lib: PocketsphinxLib } | { error: string } | undefined;

/** Loads the native library once; the error is remembered so callers can degrade to text-only. */
export function loadPocketsphinx(): { lib: PocketsphinxLib } | { error: string } {
  if (!cached) {
    try {
      cached = { lib: bindPocketsphinx() };
    } catch (err) {
      cached = { error: err instanceof Error ? err.message : String(err) };
    }
  }
  return cached;
}

export interface SpeechAvailability {
  stt: boolean;
  /** Why speech recognition is unavailable, with the command that fixes it. */
  reason?: string;
  installCommand?: string;
}

/** Whether offline speech recognition can run here: the library loads and the en-us model is on disk. */
export function speechAvailability(): SpeechAvailability {
  const loaded = loadPocketsphinx();
  if ("error" in loaded) {
    return {
      stt: false,
      reason: `libpocketsphinx.so.3 could not be loaded (${loaded.error}); run: ${POCKETSPHINX_APT_INSTALL}`,
      installCommand: POCKETSPHINX_APT_INSTALL,
    };
  }
  if (!existsSync(`${POCKETSPHINX_HMM_DIR}/mdef`) || !existsSync(CMUDICT_PATH)) {
    return {
      stt: false,
      reason: `the pocketsphinx en-us model is missing under ${POCKETSPHINX_MODEL_DIR}; run: ${POCKETSPHINX_APT_INSTALL}`,
      installCommand: POCKETSPHINX_APT_INSTALL,
    };
  }
  return { stt: true };
}

/**
 * The acoustic model with some of its front-end parameters replaced (`-cmninit`, …): pocketsphinx reads
 * `feat.params` from the model directory over any command-line value, so a variant is a directory of
 * links to the model's files with its own `feat.params`, made once under `cacheDir`.
 */
export function acousticModelWith(overrides: Record<string, string>, cacheDir: string, baseDir = POCKETSPHINX_HMM_DIR): string {
  if (Object.keys(overrides).length === 0) return baseDir;
  const params = readFileSync(join(baseDir, "feat.params"), "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const name = line.split(/\s+/)[0]!;
      return name in overrides ? `${name} ${overrides[name]}` : line;
    });
  for (const [name, value] of Object.entries(overrides)) if (!params.some((l) => l.split(/\s+/)[0] === name)) params.push(`${name} ${value}`);
  const text = params.join("\n") + "\n";
  const dir = join(cacheDir, `hmm-${createHash("sha256").update(baseDir).update(text).digest("hex").slice(0, 12)}`);
  if (existsSync(join(dir, "feat.params"))) return dir;
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  for (const file of readdirSync(baseDir)) if (file !== "feat.params") symlinkSync(join(baseDir, file), join(tmp, file));
  writeFileSync(join(tmp, "feat.params"), text);
  try {
    renameSync(tmp, dir);
  } catch {
    // Another process made it first.
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
