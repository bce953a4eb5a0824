import type { Billing } from "@orbis/billing";
import type { AppConfig } from "@orbis/config";
import type { TokenService } from "@orbis/auth";
import type { Cache } from "@orbis/cache";
import type { Database } from "@orbis/db";
import type { EmailService } from "@orbis/email";
import type { JobQueue } from "@orbis/jobs";
import type { ProviderManager } from "@orbis/providers";
import type { RecordingStore } from "@orbis/recordings";
import type { Registry } from "prom-client";

/** Everything the api role needs, built once by the composition root (apps/cli) or a test. */
export interface ApiDeps {
  config: AppConfig;
  db: Database;
  cache: Cache;
  tokens: TokenService;
  metrics: Registry;
  /** The process's provider manager (shared with the gateway role), for provider health. */
  providers?: ProviderManager;
  now?: () => Date;
  /** Where call recordings are read from; default the store of `config.recordings` (`createRecordingStore`). */
  recordings?: RecordingStore;
  /**
   * The durable job queue (pg-boss), for work the api hands to the worker role: sending an email,
   * redelivering a webhook. Absent in tests that need no worker; rows written without a job are then
   * picked up by the worker's sweep.
   */
  jobs?: JobQueue;
  /** Renders, stores and enqueues email (`createEmailService` of @orbis/email); built from the config and `jobs` when absent. */
  email?: EmailService;
  /** Plans, limits and Stripe (`createBilling` of @orbis/billing); built from the config when absent. */
  billing?: Billing;
}
