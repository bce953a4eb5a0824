export { buildPlatform, type Mount } from "./platform.ts";
export { createRuntime, type Runtime } from "./runtime.ts";
export { tuneHeapForServing } from "./heap-tuning.ts";
