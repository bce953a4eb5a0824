export { gatewayMount, type BrainFactory, type GatewayOptions, type GatewayRuntime } from "./gateway.ts";
export {
  cascadedPipeline,
  echoPipeline,
  providerPipeline,
  usesCloudProviders,
  type CallPipeline,
  type PipelineFactory,
  type ProviderPipelineOptions,
  type SpeechStack,
} from "./agent-pipeline.ts";
export { credentialResolver, type CredentialResolver } from "./provider-credentials.ts";
export { RealtimeProcessor, realtimePipeline, type RealtimePipelineOptions } from "./realtime-pipeline.ts";
export { offlineSpeechStack } from "./offline-speech.ts";
export { practiceProspects, type PracticeLlm, type ProspectFactory } from "./practice/practice-prospects.ts";
export { CallSession, type CallTransport, type EndReason } from "./call-session.ts";
export { GATEWAY_TRACER, SPAN } from "./tracing.ts";
export { TurnRecorder, heardText } from "./turn-recorder.ts";
export { carrierTelephony, type TelephonyStreamOptions } from "./telephony/carrier-telephony.ts";
export type { CarrierStream } from "./telephony/carrier-stream.ts";
