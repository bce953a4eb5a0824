export { startWorker, type WorkerDeps } from "./worker.ts";
export type { EventConsumer, PendingJob } from "./consumer.ts";
export { webhooksConsumer } from "./webhooks/index.ts";
export { emailConsumer } from "./email/index.ts";
export { smsConsumer } from "./sms/index.ts";
export { privacyConsumer } from "./privacy/index.ts";
export { billingConsumer, type BillingConsumerDeps } from "./billing/index.ts";
export { referralsConsumer, type ReferralsConsumerDeps } from "./referrals/index.ts";
export { CALENDAR_SYNC_QUEUE, calendarSyncConsumer, type CalendarSyncConsumerDeps } from "./calendars/index.ts";
