import { telnyxInboundSchema, type TelnyxOutbound } from "@orbis/contracts";
import { invalidCarrierMessage, type CarrierMessage, type CarrierProtocol } from "./carrier-media.ts";

/** Telnyx media streaming (docs/protocols.md, "Media streaming"): snake_case, possibly out of order, RTP payloads. */
export const telnyxProtocol: CarrierProtocol = {
  carrier: "telnyx",
  parse(json: unknown): CarrierMessage {
    const parsed = telnyxInboundSchema.safeParse(json);
    if (!parsed.success) return invalidCarrierMessage(json, parsed.error);
    const m = parsed.data;
    switch (m.event) {
      case "connected":
        return { kind: "connected" };
      case "start":
        return {
          kind: "start",
          streamId: m.stream_id,
          providerCallId: m.start.call_control_id,
          encoding: m.start.media_format.encoding,
          sampleRate: m.start.media_format.sample_rate,
        };
      case "media":
        // `chunk` numbers the audio; sequence_number also counts control events, so audio order is by chunk.
        return { kind: "media", seq: m.media.chunk, payload: m.media.payload, track: m.media.track ?? "inbound" };
      case "dtmf":
        return { kind: "dtmf", digit: m.dtmf.digit };
      case "mark":
        return { kind: "mark", name: m.mark.name };
      case "error":
        return { kind: "carrier_error", message: `${m.payload.code} ${m.payload.title}` };
      case "stop":
        return { kind: "stop" };
    }
  },
  media: (_streamId, payload) => JSON.stringify({ event: "media", media: { payload } } satisfies TelnyxOutbound),
  mark: (_streamId, name) => JSON.stringify({ event: "mark", mark: { name } } satisfies TelnyxOutbound),
  clear: () => JSON.stringify({ event: "clear" } satisfies TelnyxOutbound),
  isMulaw: (encoding, rate) => encoding === "PCMU" && rate === 8000,
};
