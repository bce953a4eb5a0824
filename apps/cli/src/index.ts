export { buildPlatform, type Mount } from "./platform.ts";
export { createRuntime, type Runtime } from "./runtime.ts";
export { SERVING_V8_FLAGS, tuneHeapForServing } from "./heap-tuning.ts";
