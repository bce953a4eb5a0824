import { createCalendarConnections } from "@orbis/calendars";
import { createCredentialsService } from "@orbis/credentials";
import {
  billingConsumer,
  calendarSyncConsumer,
  campaignPlacer,
  campaignsConsumer,
  emailConsumer,
  privacyConsumer,
  referralsConsumer,
  smsConsumer,
  startWorker,
  webhooksConsumer,
  type EventConsumer,
} from "@orbis/worker";
import type { Runtime } from "./runtime.ts";

/** The consumers of domain events this platform runs: webhooks, email, text messages, the data lifecycle, metering and referrals. */
function eventConsumers(runtime: Runtime): EventConsumer[] {
  const { config, db, jobs, email, log, billing } = runtime;
  const publicBaseUrl = config.publicBaseUrl ?? `http://localhost:${config.port}`;
  return [
    webhooksConsumer({
      db,
      queue: jobs,
      encryptionKey: config.encryptionKey,
      allowPrivateNetwork: config.allowPrivateNetworkTools,
      leaseSec: config.jobLeaseSec,
      log,
    }),
    emailConsumer({ db, email, publicBaseUrl, unsubscribeSecret: config.jwtSecret, billing, leaseSec: config.jobLeaseSec }),
    smsConsumer({
      db,
      credentials: createCredentialsService(config.encryptionKey),
      twilioApiUrl: config.twilioApiUrl,
      telnyxApiUrl: config.telnyxApiUrl,
      leaseSec: config.jobLeaseSec,
      log,
    }),
    privacyConsumer({ db, recordings: runtime.recordings, log }),
    billingConsumer({ db, billing, prices: config.prices, log }),
    referralsConsumer({ db, email, publicBaseUrl, log }),
    calendarSyncConsumer({ db, calendars: createCalendarConnections({ config: config.calendars, encryptionKey: config.encryptionKey, log }), log }),
    campaignsConsumer({
      db,
      tickSec: config.campaignTickSec,
      place: campaignPlacer({
        db,
        cache: runtime.cache,
        billing,
        credentials: createCredentialsService(config.encryptionKey),
        maxCallsPerWorkspace: config.maxCallsPerWorkspace,
        publicBaseUrl: () => publicBaseUrl,
        twilioApiUrl: config.twilioApiUrl,
        telnyxApiUrl: config.telnyxApiUrl,
        log,
      }),
      log,
    }),
  ];
}

/**
 * Starts the worker role on a runtime: the job handlers, the schedules and the outbox relay.
 * `orbis start --role worker` runs only this; `--role all` runs it beside the api and the gateway.
 */
export async function startWorkerRole(runtime: Runtime) {
  return startWorker({ db: runtime.db, queue: runtime.jobs, consumers: eventConsumers(runtime), log: runtime.log });
}
