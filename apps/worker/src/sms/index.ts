export { SMS_QUEUE, smsConsumer } from "./sms-consumer.ts";
