export { createJobQueue, type Job, type JobHandler, type JobQueue, type JobQueueOptions, type QueueDefinition } from "./job-queue.ts";
