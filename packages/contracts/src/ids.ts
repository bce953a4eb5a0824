import { randomBytes } from "node:crypto";
import { z } from "zod";

/** Public id prefixes (docs/architecture.md). A prefix tells a reader what an id points at without a lookup. */
export const ID_PREFIXES = {
  workspace: "ws",
  user: "usr",
  membership: "mem",
  invitation: "inv",
  agent: "agt",
  agentVersion: "agv",
  apiKey: "key",
  call: "call",
  turn: "turn",
  audit: "aud",
  tool: "tool",
  appointment: "apt",
  phoneNumber: "pn",
  referral: "ref",
  message: "msg",
  conversation: "conv",
  passwordReset: "pwr",
  testScenario: "tsc",
  testRun: "trun",
  event: "evt",
  webhookEndpoint: "whe",
  webhookDelivery: "whd",
  email: "eml",
  emailVerification: "emv",
  sms: "sms",
  affiliate: "aff",
  referralLink: "rfl",
  referralClick: "rck",
  commission: "com",
  payout: "pay",
  practicePersona: "prp",
  practiceScenario: "psc",
  practiceSession: "prs",
  practiceTurn: "prt",
  practicePrice: "ppr",
  goal: "goal",
  activity: "act",
  whatIf: "wif",
  calendarConnection: "calc",
  calendarEventLink: "cevl",
  campaign: "cmp",
  campaignContact: "cct",
  doNotCall: "dnc",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";

/** Random part: 20 base36 chars ≈ 103 bits. Rejection sampling keeps the distribution uniform. */
function randomPart(length = 20): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 252 && out.length < length) out += ALPHABET[byte % 36];
    }
  }
  return out;
}

export function createId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomPart()}`;
}

export function idSchema(kind: IdKind) {
  const prefix = ID_PREFIXES[kind];
  const article = /^[aeiou]/.test(kind) ? "an" : "a";
  return z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{8,40}$`), `must be ${article} ${kind} id (${prefix}_…)`);
}
