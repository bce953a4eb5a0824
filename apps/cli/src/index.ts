export { buildPlatform, type Mount, type PlatformOptions, type ServingRuntime } from "./platform.ts";
export { createRuntime, type Runtime } from "./runtime.ts";
export { tuneHeapForServing } from "./heap-tuning.ts";
export { startWorkerRole } from "./worker-role.ts";
export { startTelemetry, type Telemetry } from "./telemetry.ts";
