export { startWorker, type WorkerDeps } from "./worker.ts";
export type { EventConsumer, PendingJob } from "./consumer.ts";
