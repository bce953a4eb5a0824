export { billingConsumer, type BillingConsumerDeps } from "./billing-consumer.ts";
