import twilio from "twilio";
import { z } from "zod";
import { PHONE_CODE_DIGITS, PHONE_CODE_TRIES_PER_CALL } from "@orbis/practice";
import { PRACTICE_LINE_WORDS, type PracticeCodeCheck } from "../../practice/practice-line.ts";

/** The gather's action URL carries which try this is (Twilio signs the URL, query included). */
export const practiceGatherQuery = z.object({ try: z.coerce.number().int().min(1).max(PHONE_CODE_TRIES_PER_CALL).catch(1) });
/** What `<Gather>` posts to its action: the call's usual form plus the keys pressed. */
export const practiceGatherForm = z.object({ Digits: z.string().max(40).default("") }).loose();

/** The practice line's first answer or a retry: ask for the code (DTMF only), posting the keys to our action. */
export function practiceGatherTwiml(publicBase: string, attempt: number, words: string = PRACTICE_LINE_WORDS.prompt): string {
  const twiml = new twilio.twiml.VoiceResponse();
  const gather = twiml.gather({
    input: ["dtmf"],
    numDigits: PHONE_CODE_DIGITS,
    timeout: 10,
    // Nothing keyed still comes to the action (one of the call's tries), so the call never falls through.
    actionOnEmptyResult: true,
    method: "POST",
    action: `${publicBase}/v1/telephony/twilio/practice?try=${attempt}`,
  });
  gather.say(words);
  return twiml.toString();
}

/** What the gather's action answers: the stream on a good code, another try, or goodbye. */
export function practiceAnswerTwiml(publicBase: string, attempt: number, check: PracticeCodeCheck): string {
  if (check.kind === "ok") {
    const twiml = new twilio.twiml.VoiceResponse();
    // No query string on the stream URL (Twilio error 31920): the token travels as a <Parameter>.
    const stream = twiml.connect().stream({ url: `${publicBase.replace(/^http/, "ws")}/v1/telephony/twilio/media` });
    stream.parameter({ name: "token", value: check.token });
    return twiml.toString();
  }
  if (check.kind === "wrong" && attempt < PHONE_CODE_TRIES_PER_CALL) return practiceGatherTwiml(publicBase, attempt + 1, PRACTICE_LINE_WORDS.retry);
  return sayAndHangUpTwiml(check.kind === "locked" ? PRACTICE_LINE_WORDS.locked : PRACTICE_LINE_WORDS.goodbye);
}

function sayAndHangUpTwiml(text: string): string {
  const twiml = new twilio.twiml.VoiceResponse();
  twiml.say(text);
  twiml.hangup();
  return twiml.toString();
}
