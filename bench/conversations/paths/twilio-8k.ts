import { randomBytes } from "node:crypto";
import { z } from "zod";
import { placeTwilioCall } from "../../../e2e/telephony/twilio-emulator.ts";
import type { Scenario } from "../scenario.ts";
import { spokenForm, type CallerPath, type CallTarget, type CallTrace } from "./caller-path.ts";

export interface TwilioPathOptions {
  /** Where the platform listens (the emulator connects here). */
  localBase: string;
  /** PUBLIC_BASE_URL of the platform: what Twilio signs its requests against. */
  publicBase: string;
  turnTimeoutMs?: number;
}

let numbers = 0;

async function api(target: CallTarget, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${target.tenant.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${target.tenant.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

const callListSchema = z.object({ data: z.array(z.object({ id: z.string(), channel: z.string() }).loose()) });
const callTurnsSchema = z.object({ turns: z.array(z.object({ userText: z.string().nullable(), agentText: z.string().nullable() })) });

/**
 * A phone call over Twilio's media stream: the tenant gets Twilio credentials and a number bound to its
 * agent through the API, then the loopback Twilio emulator (`e2e/telephony/twilio-emulator.ts`) rings
 * the voice webhook with a signed form, opens the signed media socket and speaks each turn as μ-law
 * 8 kHz in real time (flite 16 kHz → 8 kHz → G.711), the way a phone line carries it. The caller withholds
 * caller ID, so the agent must ask for the number as it would from any withheld line. What the agent said
 * is read back from the stored call (the emulator hears audio, not text).
 */
export function twilio8kPath(options: TwilioPathOptions): CallerPath {
  return {
    id: "twilio-8k",
    async call(scenario: Scenario, target: CallTarget): Promise<CallTrace> {
      const account = { accountSid: `AC${randomBytes(16).toString("hex")}`, authToken: randomBytes(16).toString("hex") };
      const number = `+1415${String(2_000_000 + ((process.pid * 7919 + numbers++ * 104_729) % 7_000_000)).padStart(7, "0")}`;
      await api(target, "PUT", "/v1/credentials/twilio", account);
      await api(target, "POST", "/v1/phone-numbers", { number, provider: "twilio", agentId: target.tenant.agentId });
      const errors: string[] = [];
      const result = await placeTwilioCall(account, {
        localBase: options.localBase,
        publicBase: options.publicBase,
        from: "anonymous",
        to: number,
        // The phone line has no pause marker: a " ... " pause is a comma, which flite speaks as a short pause.
        steps: scenario.turns.map((say) => ({ say: spokenForm(say).replace(/\s*\.\.\.\s*/g, ", ") })),
        voice: scenario.voice?.voice ?? "kal16",
        turnTimeoutMs: options.turnTimeoutMs ?? 20_000,
      });
      errors.push(...result.shapeErrors.map((e) => `twilio shape: ${e}`));
      const calls = callListSchema.parse(await api(target, "GET", "/v1/calls?limit=5"));
      const callId = calls.data.find((c) => c.channel === "twilio")?.id;
      let heard: string[] = [];
      let greeting = "";
      if (callId) {
        const stored = callTurnsSchema.parse(await api(target, "GET", `/v1/calls/${callId}`));
        greeting = stored.turns[0]?.agentText ?? "";
        heard = stored.turns.slice(1).map((t) => t.agentText ?? "");
      }
      const turns = result.turns.map((t, i) => ({
        said: scenario.turns[i] ?? t.said,
        heard: heard[i] ?? "",
        ...(t.latencyMs !== undefined && t.heardMs > 0 ? { firstTextMs: t.latencyMs } : {}),
      }));
      return {
        ...(callId ? { callId } : {}),
        greeting,
        turns,
        unsaid: scenario.turns.length - turns.length,
        ...(result.closeCode !== undefined ? { closeCode: result.closeCode } : {}),
        interrupts: result.clears,
        errors,
      };
    },
  };
}
