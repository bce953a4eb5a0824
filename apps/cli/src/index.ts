export { buildPlatform, type Mount } from "./platform.ts";
export { createRuntime, type Runtime } from "./runtime.ts";
