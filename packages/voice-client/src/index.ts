export { VoiceClient, type CallStatus } from "./client.ts";
