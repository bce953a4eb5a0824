import type { CallResult } from "@orbis/contracts";
import type { ChatModel } from "@orbis/ports";
import { DateTime } from "luxon";

/** One turn of a call as the summary reads it: what the caller said and the tools the agent called. */
export interface SummaryTurn {
  userText: string | null;
  /** What the agent said (the model summary reads it; the structured one does not need it). */
  agentText?: string | null;
  toolCalls: readonly { name: string; args?: unknown; ok: boolean; result?: unknown }[];
}

export interface CallSummary {
  outcome: CallResult;
  summary: string;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/** "Cleaning" → "cleaning", "Teeth Whitening" → "teeth whitening"; acronyms ("MOT") stay. */
function plain(name: string): string {
  return name
    .split(" ")
    .map((w) => (/^[A-Z][a-z'’-]*$/.test(w) ? w.toLowerCase() : w))
    .join(" ");
}
const withArticle = (noun: string) => `${/^[aeiou]/i.test(noun) ? "an" : "a"} ${noun}`;

/** "Tue 9 Dec at 10:00", in the workspace's zone. */
function when(iso: string | undefined, zone: string): string | undefined {
  if (!iso) return undefined;
  const t = DateTime.fromISO(iso, { setZone: true }).setZone(zone);
  return t.isValid ? t.toFormat("ccc d LLL 'at' HH:mm") : undefined;
}

/** The first word lower-cased when it is an ordinary word, no final full stop, at most `max` characters. */
function clause(text: string, max = 160): string {
  let t = text.replace(/\s+/g, " ").trim();
  t = t.replace(/^([A-Z])([a-z])/, (_m, a: string, b: string) => a.toLowerCase() + b);
  if (t.length > max) t = `${t.slice(0, max - 1).trimEnd()}…`;
  return t.replace(/[.!\s]+$/, "");
}

/** What a caller asked about, from their own words when no tool was needed (the receptionist answers from the business config). */
const ASKED: [RegExp, string][] = [
  [/\b(hours?|open|opening|close|closing)\b/i, "opening hours"],
  [/\b(price|prices|cost|costs|how much|charge|fee)\b/i, "prices"],
  [/\b(where|address|located|location|directions|parking)\b/i, "the location"],
  [/\b(insurance)\b/i, "insurance"],
];

const TOPICS: Record<string, string> = {
  hours: "opening hours",
  prices: "prices",
  location: "the location",
  services: "the services",
  contact: "contact details",
};

interface Action {
  outcome: Exclude<CallResult, "no_action">;
  sentence: string;
}

function actionOf(call: SummaryTurn["toolCalls"][number], zone: string): Action | undefined {
  if (!call.ok) return undefined;
  const args = obj(call.args);
  const appt = obj(obj(call.result).appointment);
  const who = str(appt.customerName) ?? str(args.customerName) ?? "The caller";
  const service = str(appt.service) ?? str(args.serviceId);
  const at = when(str(appt.start) ?? str(args.start), zone);
  const thing = service ? plain(service) : "appointment";
  switch (call.name) {
    case "book_appointment":
      return { outcome: "booked", sentence: `${who} booked ${withArticle(thing)}${at ? ` for ${at}` : ""}.` };
    case "reschedule_appointment":
      return { outcome: "rescheduled", sentence: `${who} moved their ${thing}${at ? ` to ${at}` : ""}.` };
    case "cancel_appointment":
      return { outcome: "cancelled", sentence: `${who} cancelled their ${thing}${at ? ` on ${at}` : ""}.` };
    case "take_message": {
      const name = str(args.callerName) ?? "The caller";
      const text = str(args.text);
      const urgent = args.urgency === "high" ? " (urgent)" : "";
      return { outcome: "message", sentence: text ? `${name} left a message: ${clause(text)}${urgent}.` : `${name} left a message${urgent}.` };
    }
    case "do_not_call":
      return { outcome: "do_not_call", sentence: "The caller asked not to be called again; their number is on the do-not-call list." };
    case "transfer_call": {
      const reason = str(obj(call.result).reason) ?? str(args.reason);
      return { outcome: "transferred", sentence: `The caller was transferred to a person${reason ? ` (${clause(reason, 80)})` : ""}.` };
    }
    default:
      return undefined;
  }
}

/** A request never to be called again outranks everything: the number must reach the do-not-call list. */
const PRIORITY: readonly CallResult[] = ["do_not_call", "booked", "rescheduled", "cancelled", "message", "transferred"];

/**
 * What a call achieved and a one- or two-sentence summary in plain words, from the receptionist's
 * structured record (its turns' tool calls), with times in the workspace's zone: the outcome is the
 * most significant successful action (do_not_call, booked, rescheduled, cancelled, message, transferred), else
 * `no_action` with what the caller asked about.
 */
export function buildCallSummary(turns: readonly SummaryTurn[], options: { timezone: string; endReason?: string | null }): CallSummary {
  const zone = options.timezone;
  const actions: Action[] = [];
  const topics: string[] = [];
  for (const turn of turns) {
    for (const call of turn.toolCalls) {
      const action = actionOf(call, zone);
      if (action) actions.push(action);
      else if (call.name === "business_info" && call.ok) {
        const args = obj(call.args);
        const topic = str(args.topic);
        const about = topic === "faq" ? str(args.query) && clause(str(args.query)!, 60) : topic && TOPICS[topic];
        if (about && !topics.includes(about)) topics.push(about);
      }
    }
  }
  if (options.endReason === "transfer" && !actions.some((a) => a.outcome === "transferred")) {
    actions.push({ outcome: "transferred", sentence: "The caller was transferred to a person." });
  }
  if (actions.length > 0) {
    const rank = (a: Action) => PRIORITY.indexOf(a.outcome);
    const main = actions.reduce((best, a) => (rank(a) < rank(best) ? a : best));
    const other = actions.find((a) => a !== main && a.outcome !== main.outcome);
    return { outcome: main.outcome, summary: other ? `${main.sentence} ${other.sentence}` : main.sentence };
  }
  const spoke = turns.some((t) => t.userText && t.userText.trim());
  if (topics.length === 0) {
    for (const t of turns) for (const [pattern, about] of ASKED) if (t.userText && pattern.test(t.userText) && !topics.includes(about)) topics.push(about);
  }
  if (topics.length > 0) return { outcome: "no_action", summary: `Caller asked about ${listOf(topics.slice(0, 3))}; no action taken.` };
  return { outcome: "no_action", summary: spoke ? "Caller spoke with the agent; no action taken." : "The caller said nothing; no action taken." };
}

const listOf = (items: string[]) => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`);

const SUMMARY_PROMPT =
  "You summarise a phone call to a business for its owner in one or two short sentences of plain words: " +
  "who called, what they wanted and what was done (booked, moved, cancelled, message taken, transferred, or nothing). " +
  "Use the caller's name when known and the times exactly as the notes give them. No preamble, no quotes, no lists.";

/**
 * The agent's own chat model writes the summary (agents with an LLM): a short prompt with the transcript
 * and the structured summary as notes, bounded by `timeoutMs`. Undefined when the model fails, is slow
 * or answers nothing usable: the caller keeps the structured summary then.
 */
export async function summarizeWithModel(
  model: ChatModel,
  turns: readonly SummaryTurn[],
  structured: CallSummary,
  options: { timeoutMs?: number; maxChars?: number } = {},
): Promise<string | undefined> {
  const lines: string[] = [];
  for (const t of turns) {
    if (t.userText?.trim()) lines.push(`Caller: ${t.userText.trim()}`);
    if (t.agentText?.trim()) lines.push(`Agent: ${t.agentText.trim()}`);
  }
  if (!lines.some((l) => l.startsWith("Caller:"))) return undefined;
  let transcript = lines.join("\n");
  if (transcript.length > 6000) transcript = `…${transcript.slice(-6000)}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 3000);
  let text = "";
  try {
    const chunks = model.stream({
      messages: [
        { role: "system", content: SUMMARY_PROMPT },
        { role: "user", content: `Transcript:\n${transcript}\n\nNotes: outcome ${structured.outcome}. ${structured.summary}` },
      ],
      tools: [],
      signal: controller.signal,
      temperature: 0.2,
      maxTokens: 120,
    });
    for await (const chunk of chunks) {
      if (controller.signal.aborted) return undefined;
      if (chunk.type === "text") text += chunk.text;
      else if (chunk.type === "done") break;
    }
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
  if (controller.signal.aborted) return undefined;
  const summary = text
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^["“]|["”]$/g, "");
  const max = options.maxChars ?? 400;
  return summary.length >= 10 && summary.length <= max ? summary : undefined;
}
