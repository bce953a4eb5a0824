import type { Cache } from "@orbis/cache";
import type { PhoneNumberRow, PracticeViewer, TenantScope } from "@orbis/db";
import { isPhoneCode, PHONE_LINE_LOCK, phoneCodeHasher } from "@orbis/practice";
import type { Carrier, StreamTokens } from "@orbis/telephony";
import { admitPractice } from "./practice-grant.ts";

/**
 * The practice line looks a code up among every rep's sessions (the caller is not known until the code
 * names them): it reads as a manager would. The session itself is then admitted as its own rep.
 */
const LINE_VIEWER: PracticeViewer = { userId: "", role: "admin" };

/** Spoken on the practice line (Twilio `<Say>`, Telnyx `speak`). */
export const PRACTICE_LINE_WORDS = {
  prompt: "Welcome to sales practice. Please enter your six digit practice code.",
  retry: "Sorry, that code did not work. Please enter your six digit practice code again.",
  goodbye: "Sorry, that code did not work. Please check the code on your screen and call again. Goodbye.",
  locked: "This practice line is paused after too many wrong codes. Please try again in a few minutes. Goodbye.",
} as const;

export type PracticeCodeCheck =
  /** The code named a live session: its carrier stream token (one call, the session's rep). */
  | { kind: "ok"; sessionId: string; token: string }
  | { kind: "wrong" }
  /** Too many wrong codes on this line lately: no code is checked until the window passes. */
  | { kind: "locked" };

/**
 * The practice line of a workspace (docs/practice.md, "By phone"): checks a keyed code against the
 * stored hashes, uses it once, counts wrong codes per line (PHONE_LINE_LOCK: 5 in 10 minutes lock the
 * line for what is left of the window) and issues the stream token of the session the code named.
 */
export function createPracticeLine(o: {
  cache: Cache;
  streamTokens: StreamTokens;
  jwtSecret: string;
  now?: () => Date;
  log?: { info(obj: object, msg?: string): void };
}) {
  const hash = phoneCodeHasher(o.jwtSecret);
  const now = o.now ?? (() => new Date());
  const wrongKey = (number: PhoneNumberRow) => `practice-line:wrong:${number.id}`;

  const isLocked = async (number: PhoneNumberRow) => Number((await o.cache.get(wrongKey(number))) ?? 0) >= PHONE_LINE_LOCK.wrongCodes;

  return {
    isLocked,

    async check(
      line: { number: PhoneNumberRow; tenant: TenantScope },
      digits: string,
      call: { provider: Carrier; providerCallId: string },
    ): Promise<PracticeCodeCheck> {
      const { number, tenant } = line;
      if (await isLocked(number)) return { kind: "locked" };
      // Nothing keyed, or not six digits: a wrong entry for this call, but no guess at a code.
      if (!isPhoneCode(digits)) return { kind: "wrong" };
      const session = await tenant.practice.consumePhoneCode(LINE_VIEWER, { phoneNumberId: number.id, codeHash: hash(tenant.workspaceId, digits), now: now() });
      if (!session) {
        const wrong = await o.cache.incr(wrongKey(number), 1, PHONE_LINE_LOCK.windowSec);
        o.log?.info({ workspaceId: tenant.workspaceId, phoneNumberId: number.id, wrong }, "practice line: wrong code");
        return wrong >= PHONE_LINE_LOCK.wrongCodes ? { kind: "locked" } : { kind: "wrong" };
      }
      // The rep must still be an active member (the same check the stream makes again when it opens).
      const admitted = await admitPractice(tenant, { userId: session.userId, agentId: session.id, practiceSessionId: session.id });
      if (!admitted.ok) {
        o.log?.info(
          { workspaceId: tenant.workspaceId, practiceSessionId: session.id, reason: admitted.message },
          "practice line: code of a session that cannot run",
        );
        return { kind: "wrong" };
      }
      const token = await o.streamTokens.issue({
        workspaceId: tenant.workspaceId,
        agentId: session.id,
        callId: session.id,
        provider: call.provider,
        providerCallId: call.providerCallId,
        practiceSessionId: session.id,
        userId: session.userId,
      });
      o.log?.info({ workspaceId: tenant.workspaceId, practiceSessionId: session.id }, "practice line: code accepted");
      return { kind: "ok", sessionId: session.id, token };
    },
  };
}
export type PracticeLine = ReturnType<typeof createPracticeLine>;
