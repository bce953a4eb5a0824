// Debian's pocketsphinx 0.8+5prealpha through koffi, and the worker-thread host that runs decoders off
// the gateway's event loop. Plain JavaScript so a worker can load it under any runner.
import koffi from "koffi";
import { isMainThread, parentPort } from "node:worker_threads";

/** Binds the native library (old `cmd_ln_t` API); throws when it cannot be loaded. */
export function bindPocketsphinx() {
  const sphinxbase = koffi.load("libsphinxbase.so.3");
  const ps = koffi.load("libpocketsphinx.so.3");
  const cmdLnParseR = sphinxbase.func("void *cmd_ln_parse_r(void *inout, void *defn, int argc, const char **argv, int strict)");
  const cmdLnFreeR = sphinxbase.func("int cmd_ln_free_r(void *cmdln)");
  const psArgs = ps.func("void *ps_args()");
  const psInit = ps.func("void *ps_init(void *config)");
  const psFree = ps.func("int ps_free(void *ps)");
  const psStartUtt = ps.func("int ps_start_utt(void *ps)");
  const psProcessRaw = ps.func("int ps_process_raw(void *ps, const int16_t *data, size_t n_samples, int no_search, int full_utt)");
  const psGetHyp = ps.func("const char *ps_get_hyp(void *ps, _Out_ int32_t *score)");
  const psEndUtt = ps.func("int ps_end_utt(void *ps)");
  const psSetLmFile = ps.func("int ps_set_lm_file(void *ps, const char *name, const char *path)");
  const psSetSearch = ps.func("int ps_set_search(void *ps, const char *name)");
  const psGetSearch = ps.func("const char *ps_get_search(void *ps)");
  const score = [0];
  return {
    parseConfig: (args) => cmdLnParseR(null, psArgs(), args.length, args, 1),
    init: (config) => psInit(config),
    freeConfig: (config) => void cmdLnFreeR(config),
    free: (decoder) => void psFree(decoder),
    startUtt: (decoder) => psStartUtt(decoder),
    processRaw: (decoder, pcm, samples) => psProcessRaw(decoder, pcm, samples, 0, 0),
    getHyp: (decoder) => psGetHyp(decoder, score),
    endUtt: (decoder) => psEndUtt(decoder),
    addLm: (decoder, name, path) => psSetLmFile(decoder, name, path),
    setSearch: (decoder, name) => psSetSearch(decoder, name),
    getSearch: (decoder) => psGetSearch(decoder),
  };
}

/**
 * One recognition stream on a decoder: audio in, partial hypotheses out every `partialEverySamples`,
 * the final hypothesis at the end of an utterance. Shared by the calling-thread and worker paths.
 * `searches` (name → ARPA path) are extra language models over the same dictionary; `expect(name)`
 * decodes the next utterance with one of them (an unknown name: the main model).
 */
export function openDecoderStream(lib, args, partialEverySamples, onPartial, searches = {}) {
  const config = lib.parseConfig(args);
  if (!config) throw new Error(`pocketsphinx rejected its options: ${args.join(" ")}`);
  const decoder = lib.init(config);
  if (!decoder) {
    lib.freeConfig(config);
    throw new Error(`pocketsphinx could not load its model (${args.join(" ")})`);
  }
  const main = lib.getSearch(decoder);
  // Answer models load on the first turn that expects them (one search per file, shared by the
  // expectations that use it), so opening a stream costs no more than the main model.
  const loaded = new Map();
  const searchFor = (name) => {
    const path = searches[name];
    if (!path) return main;
    if (!loaded.has(path)) {
      const search = `answer${loaded.size}`;
      // A model that does not load leaves that expectation on the main model.
      loaded.set(path, lib.addLm(decoder, search, path) === 0 ? search : main);
      lib.setSearch(decoder, current);
    }
    return loaded.get(path);
  };
  let current = main;
  /** The expectation for the next utterance; its model is loaded and made current as that utterance starts. */
  let wanted = "";
  let inUtterance = false;
  let sinceHyp = 0;
  let lastPartial = "";
  let closed = false;
  const finish = () => {
    if (!inUtterance) return "";
    inUtterance = false;
    lib.endUtt(decoder);
    return lib.getHyp(decoder) ?? "";
  };
  return {
    push(pcm) {
      if (closed) return;
      if (!inUtterance) {
        const target = Object.hasOwn(searches, wanted) ? searchFor(wanted) : main;
        if (target !== current && lib.setSearch(decoder, target) === 0) current = target;
        lib.startUtt(decoder);
        inUtterance = true;
        sinceHyp = 0;
        lastPartial = "";
      }
      lib.processRaw(decoder, pcm, pcm.length);
      sinceHyp += pcm.length;
      if (sinceHyp >= partialEverySamples && onPartial) {
        sinceHyp = 0;
        const hyp = lib.getHyp(decoder) ?? "";
        if (hyp !== lastPartial) {
          lastPartial = hyp;
          if (hyp) onPartial(hyp);
        }
      }
    },
    end: () => (closed ? "" : finish()),
    /** The model for the next utterance (one already under way keeps its own). */
    expect(name) {
      wanted = name;
    },
    abort() {
      if (!closed) finish();
    },
    close() {
      if (closed) return;
      finish();
      closed = true;
      lib.free(decoder);
      lib.freeConfig(config);
    },
  };
}

// Worker host: every stream of the process has its decoder here; messages run in arrival order, so a
// stream's audio is always decoded before its end-of-utterance.
if (!isMainThread && parentPort) {
  const port = parentPort;
  const lib = bindPocketsphinx();
  const streams = new Map();
  port.on("message", (msg) => {
    const stream = streams.get(msg.id);
    switch (msg.type) {
      case "open":
        try {
          streams.set(
            msg.id,
            openDecoderStream(lib, msg.args, msg.partialEverySamples, (text) => port.postMessage({ type: "partial", id: msg.id, text }), msg.searches),
          );
          port.postMessage({ type: "opened", id: msg.id });
        } catch (err) {
          port.postMessage({ type: "opened", id: msg.id, error: err instanceof Error ? err.message : String(err) });
        }
        break;
      case "push":
        stream?.push(msg.pcm);
        break;
      case "end":
        port.postMessage({ type: "final", id: msg.id, seq: msg.seq, text: stream ? stream.end() : "" });
        break;
      case "abort":
        stream?.abort();
        break;
      case "expect":
        stream?.expect(msg.name);
        break;
      case "close":
        stream?.close();
        streams.delete(msg.id);
        break;
    }
  });
}
