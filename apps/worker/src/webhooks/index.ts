export { webhooksConsumer } from "./webhooks.consumer.ts";
