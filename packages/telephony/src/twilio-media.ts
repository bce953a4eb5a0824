import { twilioInboundSchema, type TwilioOutbound } from "@orbis/contracts";
import { invalidCarrierMessage, type CarrierMessage, type CarrierProtocol } from "./carrier-media.ts";

/** Twilio Media Streams (docs/protocols.md, "Media Streams"): JSON text frames, camelCase, counters as strings. */
export const twilioProtocol: CarrierProtocol = {
  carrier: "twilio",
  parse(json: unknown): CarrierMessage {
    const parsed = twilioInboundSchema.safeParse(json);
    if (!parsed.success) return invalidCarrierMessage(json, parsed.error);
    const m = parsed.data;
    switch (m.event) {
      case "connected":
        return { kind: "connected" };
      case "start":
        return {
          kind: "start",
          streamId: m.streamSid,
          providerCallId: m.start.callSid,
          token: m.start.customParameters.token,
          encoding: m.start.mediaFormat.encoding,
          sampleRate: m.start.mediaFormat.sampleRate,
        };
      case "media":
        return { kind: "media", seq: Number(m.media.chunk), payload: m.media.payload, track: m.media.track };
      case "dtmf":
        return { kind: "dtmf", digit: m.dtmf.digit };
      case "mark":
        return { kind: "mark", name: m.mark.name };
      case "stop":
        return { kind: "stop" };
    }
  },
  media: (streamId, payload) => JSON.stringify({ event: "media", streamSid: streamId, media: { payload } } satisfies TwilioOutbound),
  mark: (streamId, name) => JSON.stringify({ event: "mark", streamSid: streamId, mark: { name } } satisfies TwilioOutbound),
  clear: (streamId) => JSON.stringify({ event: "clear", streamSid: streamId } satisfies TwilioOutbound),
  isMulaw: (encoding, rate) => encoding === "audio/x-mulaw" && rate === 8000,
};
