export { CALENDAR_SYNC_QUEUE, calendarSyncConsumer, type CalendarSyncConsumerDeps } from "./calendar-sync.consumer.ts";
