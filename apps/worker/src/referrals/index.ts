export { referralsConsumer, SELF_REFERRAL_PAYMENT, type ReferralsConsumerDeps } from "./referrals-consumer.ts";
