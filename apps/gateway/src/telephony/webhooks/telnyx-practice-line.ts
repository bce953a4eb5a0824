import type { FastifyBaseLogger } from "fastify";
import { z } from "zod";
import type { Cache } from "@orbis/cache";
import { idSchema, type TelnyxWebhook } from "@orbis/contracts";
import type { PhoneNumberRow, TenantScope } from "@orbis/db";
import { PHONE_CODE_DIGITS, PHONE_CODE_TRIES_PER_CALL } from "@orbis/practice";
import type { TelnyxCalls } from "@orbis/telephony";
import { PRACTICE_LINE_WORDS, type PracticeLine } from "../../practice/practice-line.ts";

/** client_state on the practice line: which try the gather is at, then the session once the stream starts. */
export const practiceStateSchemas = [
  z.object({ workspaceId: idSchema("workspace"), practiceLine: idSchema("phoneNumber"), try: z.number().int().min(1).max(PHONE_CODE_TRIES_PER_CALL) }),
  z.object({ workspaceId: idSchema("workspace"), practiceSessionId: idSchema("practiceSession") }),
] as const;
export type PracticeLineState = { workspaceId: string; practiceLine: string; try: number } | { workspaceId: string; practiceSessionId: string };

/** `call.gather.ended`'s payload: the keys pressed (Telnyx: `digits`), and how the gather ended. */
const gatherEndedSchema = z.object({ digits: z.string().max(40).nullish(), status: z.string().nullish() }).loose();
/** A webhook delivered again (same event id) within this is not applied twice. */
const EVENT_SEEN_SEC = 3600;

/**
 * The practice line on Telnyx Call Control (docs/practice.md, "By phone"): answered without a stream,
 * `gather_using_speak` asks for the code on `call.answered`; `call.gather.ended` checks it — a good code
 * starts the media stream (`streaming_start`, the same bidirectional RTP as an agent's call) with the
 * session's stream token, a wrong one asks again, the third (or a locked line) gets a goodbye (`speak`,
 * then `hangup` on `call.speak.ended`, as for refused calls). Every command has a command_id.
 */
export function telnyxPracticeLine(o: {
  calls: (apiKey: string) => TelnyxCalls;
  practiceLine: PracticeLine;
  cache: Cache;
  publicBaseUrl: () => string;
  /** client_state as the webhooks encode it. */
  encode: (state: PracticeLineState | { workspaceId: string; refused: "practice_line" }) => string;
}) {
  const gather = (cc: TelnyxCalls, ccid: string, state: { workspaceId: string; practiceLine: string; try: number }, words: string) =>
    cc.gatherUsingSpeak(ccid, {
      payload: words,
      voice: "female",
      language: "en-US",
      minimum_digits: PHONE_CODE_DIGITS,
      maximum_digits: PHONE_CODE_DIGITS,
      maximum_tries: 1,
      timeout_millis: 10_000,
      valid_digits: "0123456789",
      client_state: o.encode(state),
      command_id: `practice-gather-${ccid}-${state.try}`,
    });
  const goodbye = async (cc: TelnyxCalls, ccid: string, workspaceId: string, words: string) => {
    await cc.speak(ccid, {
      payload: words,
      voice: "female",
      language: "en-US",
      client_state: o.encode({ workspaceId, refused: "practice_line" }),
      command_id: `practice-bye-${ccid}`,
    });
  };

  return {
    /** `call.initiated` on the practice line: answer without a stream (the code comes first), or goodbye when the line is locked. */
    async initiated(apiKey: string, ccid: string, eventId: string, line: { number: PhoneNumberRow; tenant: TenantScope }, log: FastifyBaseLogger) {
      const cc = o.calls(apiKey);
      const { workspaceId } = line.tenant;
      if (await o.practiceLine.isLocked(line.number)) {
        await cc.answer(ccid, { client_state: o.encode({ workspaceId, refused: "practice_line" }), command_id: `answer-practice-${eventId}` });
        await goodbye(cc, ccid, workspaceId, PRACTICE_LINE_WORDS.locked).catch((err: unknown) => log.info({ err }, "telnyx practice goodbye failed"));
        return;
      }
      await cc.answer(ccid, { client_state: o.encode({ workspaceId, practiceLine: line.number.id, try: 1 }), command_id: `answer-practice-${eventId}` });
    },

    /** A later event of a practice-line call (its client_state says where it is). */
    async event(apiKey: string, event: TelnyxWebhook, state: PracticeLineState, tenant: TenantScope, log: FastifyBaseLogger): Promise<void> {
      // The session's own call: its stream and hang-up are the media socket's business.
      if (!("practiceLine" in state)) return;
      const type = event.data.event_type;
      if (type !== "call.answered" && type !== "call.gather.ended") return;
      // A retried delivery must not check a code (or ask again) twice.
      if (!(await o.cache.setIfAbsent(`telnyx:practice-event:${event.data.id}`, "1", EVENT_SEEN_SEC))) return;
      const cc = o.calls(apiKey);
      const ccid = event.data.payload.call_control_id;
      if (type === "call.answered") return void (await gather(cc, ccid, state, PRACTICE_LINE_WORDS.prompt));

      const ended = gatherEndedSchema.parse(event.data.payload);
      // The caller hung up during the prompt: nothing to answer.
      if (ended.status === "call_hangup") return;
      const number = await tenant.phoneNumbers.get(state.practiceLine);
      if (!number || number.purpose !== "practice") return goodbye(cc, ccid, tenant.workspaceId, PRACTICE_LINE_WORDS.goodbye);
      const check = await o.practiceLine.check({ number, tenant }, ended.digits ?? "", { provider: "telnyx", providerCallId: ccid });
      if (check.kind === "ok") {
        const base = o.publicBaseUrl().replace(/\/$/, "");
        await cc.startStreaming(ccid, {
          stream_url: `${base.replace(/^http/, "ws")}/v1/telephony/telnyx/media?token=${encodeURIComponent(check.token)}`,
          stream_track: "inbound_track",
          stream_codec: "PCMU",
          stream_bidirectional_mode: "rtp",
          stream_bidirectional_codec: "PCMU",
          client_state: o.encode({ workspaceId: tenant.workspaceId, practiceSessionId: check.sessionId }),
          command_id: `practice-stream-${check.sessionId}`,
        });
        return;
      }
      if (check.kind === "wrong" && state.try < PHONE_CODE_TRIES_PER_CALL) {
        await gather(cc, ccid, { ...state, try: state.try + 1 }, PRACTICE_LINE_WORDS.retry);
        return;
      }
      log.info({ workspaceId: tenant.workspaceId, outcome: check.kind }, "telnyx practice line: goodbye");
      await goodbye(cc, ccid, tenant.workspaceId, check.kind === "locked" ? PRACTICE_LINE_WORDS.locked : PRACTICE_LINE_WORDS.goodbye);
    },
  };
}
