export { callerIdOf, callStatusOf, createTelephonyService, type Carrier, type InboundDecision, type TelephonyService } from "./call-lifecycle.ts";
export { phoneCallsCounter } from "./metrics.ts";
export { createStreamTokens, streamGrantSchema, type StreamGrant, type StreamTokens } from "./stream-tokens.ts";
export { telnyxCalls, type TelnyxCalls } from "./telnyx-calls.ts";
export { TELNYX_TOLERANCE_SEC, verifyTelnyxSignature } from "./telnyx-signature.ts";
export { invalidCarrierMessage, type CarrierMessage, type CarrierProtocol } from "./carrier-media.ts";
export { telnyxProtocol } from "./telnyx-media.ts";
export { telnyxTransfer } from "./telnyx-transfer.ts";
export { twilioProtocol } from "./twilio-media.ts";
export { twilioTransfer } from "./twilio-transfer.ts";
export { sendSms, SmsSendError, type SmsCredentials, type SmsRequest } from "./messaging.ts";
export { AnsweringMachineDetector, type AmdDecision, type AmdEvent, type AmdResult } from "./amd.ts";
export {
  createOutboundCalls,
  DEFAULT_OPENING,
  outboundPlanSchema,
  placeCallBodySchema,
  renderTemplate,
  telnyxStartStreaming,
  type CampaignCallRef,
  type OutboundCalls,
  type OutboundPlan,
  type PlaceCallBody,
} from "./outbound-calls.ts";
