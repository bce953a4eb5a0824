export { createStreamTokens, type StreamGrant, type StreamTokens } from "./stream-token.ts";
export { agentConfigOf, callStatusOf, createTelephonyService, type TelephonyService } from "./telephony.service.ts";
export { verifyTelnyxSignature, TELNYX_TOLERANCE_SEC } from "./telnyx.routes.ts";
export { createCredentialsService, type CredentialsService } from "../credentials/credentials.service.ts";
export { telnyxCalls, type TelnyxCalls } from "./telnyx-client.ts";
export { phoneCallsCounter } from "./telephony-metrics.ts";
