export { privacyConsumer } from "./retention.ts";
