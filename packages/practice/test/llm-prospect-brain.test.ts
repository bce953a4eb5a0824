import type { ChatChunk, ChatModel, ChatRequest } from "@orbis/ports";
import type { BrainEvent, BrainInput, BrainSession } from "@orbis/voice";
import { describe, expect, it } from "vitest";
import { BREAKING_UP_LINE, createLlmProspectBrain, createProspectBrain, prospectInstructions } from "../src/index.ts";
import { persona, scenario } from "./converse.ts";

/** A model reply: text deltas streamed in order, or a failure after the given deltas. */
type Scripted = string[] | { deltas: string[]; fail: Error };

/** A chat model that answers from a script and keeps every request it was sent. */
function scriptedModel(script: Scripted[]): ChatModel & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    id: "fake:prospect",
    requests,
    async *stream(req: ChatRequest): AsyncIterable<ChatChunk> {
      requests.push({ ...req, messages: req.messages.map((m) => ({ ...m })) });
      const next = script.shift() ?? ["Okay."];
      const deltas = Array.isArray(next) ? next : next.deltas;
      for (const text of deltas) {
        await Promise.resolve();
        yield { type: "text", text };
      }
      if (!Array.isArray(next)) throw next.fail;
      yield { type: "done", reason: "stop" };
    },
  };
}

const P = persona("builtin_logistics_ops_manager");
const S = scenario("builtin_cold_call_book_meeting");
const PITCH = "The reason for my call is we help freight companies cut the time dispatchers spend chasing drivers.";

interface Rehearsal {
  session: BrainSession;
  model: ReturnType<typeof scriptedModel>;
  warnings: string[];
  greet(): Promise<BrainEvent[]>;
  say(text: string | null, signal?: AbortSignal): Promise<BrainEvent[]>;
  advance(ms: number): void;
}

async function collect(events: AsyncIterable<BrainEvent>): Promise<BrainEvent[]> {
  const out: BrainEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

function rehearse(script: Scripted[]): Rehearsal {
  let clock = 5_000_000;
  const model = scriptedModel(script);
  const warnings: string[] = [];
  const brain = createLlmProspectBrain({ persona: P, scenario: S, model, now: () => clock, log: { warn: (_obj, msg) => warnings.push(msg ?? "") } });
  const session = brain.startSession({ callId: "prs_test", workspaceId: "ws_test", agentId: "prs_test", channel: "web" });
  return {
    session,
    model,
    warnings,
    greet: () => collect(session.greet(new AbortController().signal)),
    say: (text, signal = new AbortController().signal) => {
      const input: BrainInput = text === null ? { kind: "silence" } : { kind: "typed", text };
      return collect(session.respond(input, signal));
    },
    advance: (ms) => (clock += ms),
  };
}

const texts = (events: BrainEvent[]): string[] => events.flatMap((e) => (e.type === "text" ? [e.text] : []));
const ends = (events: BrainEvent[]): string[] => events.flatMap((e) => (e.type === "end" ? [e.reason] : []));

describe("createLlmProspectBrain", () => {
  it("greets with the scenario's opening line, as the offline prospect does, without asking the model", async () => {
    const r = rehearse([]);
    const offline = createProspectBrain({ persona: P, scenario: S }).startSession({ callId: "c", workspaceId: "w", agentId: "a", channel: "web" });
    const offlineGreeting = texts(await collect(offline.greet(new AbortController().signal)));
    expect(texts(await r.greet())).toEqual(offlineGreeting);
    expect(offlineGreeting).toEqual(["Swiftline Freight, this is Marcus."]);
    expect(r.model.requests).toEqual([]);
    expect(r.session.expecting()).toBe("free_text");
  });

  it("plays the persona from its instructions and the history, speaking each sentence as it completes", async () => {
    const r = rehearse([["I'm in the middle of a shift ", "change. Just send me ", "an email. Why would", " I need this?"]]);
    await r.greet();
    const reply = await r.say(PITCH);
    expect(reply).toEqual([
      { type: "text", text: "I'm in the middle of a shift change." },
      { type: "text", text: "Just send me an email." },
      { type: "text", text: "Why would I need this?" },
    ]);
    const [request] = r.model.requests;
    expect(request!.messages[0]).toEqual({ role: "system", content: prospectInstructions(P, S) });
    expect(request!.messages.slice(1)).toEqual([
      { role: "assistant", content: "Swiftline Freight, this is Marcus." },
      { role: "user", content: PITCH },
    ]);
    expect(request!.tools).toEqual([]);

    // The next request carries the reply the rep heard.
    await r.say("Fair enough, one quick question first.");
    expect(r.model.requests[1]!.messages.slice(-2)).toEqual([
      { role: "assistant", content: "I'm in the middle of a shift change. Just send me an email. Why would I need this?" },
      { role: "user", content: "Fair enough, one quick question first." },
    ]);
  });

  it("ends with the model's end marker, which is never spoken: [END next_step]", async () => {
    const r = rehearse([["Okay, two minutes. Go."], ["Fine. Tuesday at ten. ", "Send me the invite.\n[END ", "next_step]"]]);
    await r.greet();
    await r.say("Just one quick question: how do your dispatchers track arrivals today?");
    const agreed = await r.say("Could we book a meeting on Tuesday at ten?");
    expect(agreed).toEqual([
      { type: "text", text: "Fine." },
      { type: "text", text: "Tuesday at ten." },
      { type: "text", text: "Send me the invite." },
      { type: "end", reason: "next_step" },
    ]);
    expect(r.session.expecting()).toBe("none");
    expect(await r.say("Great, talk then!")).toEqual([]);
    expect(r.model.requests).toHaveLength(2);
  });

  it("hangs up when the model does, and treats an end marker it does not know as hanging up", async () => {
    const hungUp = rehearse([["I'm done here. Goodbye. [END prospect_hung_up]"]]);
    await hungUp.greet();
    expect(await hungUp.say(PITCH)).toEqual([
      { type: "text", text: "I'm done here." },
      { type: "text", text: "Goodbye." },
      { type: "end", reason: "prospect_hung_up" },
    ]);

    const odd = rehearse([["Bye now. [END done]"]]);
    await odd.greet();
    const reply = await odd.say(PITCH);
    expect(texts(reply)).toEqual(["Bye now."]);
    expect(ends(reply)).toEqual(["prospect_hung_up"]);
  });

  it("a reply with nothing to speak still answers the rep", async () => {
    const r = rehearse([[" ", "\n"]]);
    await r.greet();
    expect(await r.say(PITCH)).toEqual([{ type: "text", text: "Go on." }]);
    expect(r.session.expecting()).toBe("free_text");
  });

  it("keeps the offline rudeness rule as a guard: the second rude turn hangs up whatever the model would say", async () => {
    const r = rehearse([["Watch your tone."]]);
    await r.greet();
    const warned = await r.say("Shut up and listen to me.");
    expect(texts(warned)).toEqual(["Watch your tone."]);
    expect(ends(warned)).toEqual([]);
    const gone = await r.say("You idiot, just buy it.");
    expect(gone).toEqual([
      { type: "text", text: "I'm not going to be spoken to like that. Goodbye." },
      { type: "end", reason: "prospect_hung_up" },
    ]);
    expect(r.model.requests).toHaveLength(1);
  });

  it("nudges a silent rep and hangs up on the third silence, without asking the model", async () => {
    const r = rehearse([]);
    await r.greet();
    expect(texts(await r.say(null))).toEqual(["Hello? Are you still there?"]);
    // Nothing but spaces typed is silence too.
    expect(texts(await r.say("  "))).toEqual(["Hello? I can't hear you."]);
    expect(await r.say(null)).toEqual([
      { type: "text", text: "I think we lost each other. Goodbye." },
      { type: "end", reason: "prospect_hung_up" },
    ]);
    expect(r.model.requests).toEqual([]);
  });

  it("ends at the scenario's time limit with the offline wrap-up line (time_up)", async () => {
    const r = rehearse([["Go on."]]);
    await r.greet();
    await r.say("Hi Marcus, this is Sam from Acme.");
    r.advance(S.timeLimitSec * 1000 - 1);
    expect(ends(await r.say("One more thing."))).toEqual([]);
    r.advance(1);
    expect(await r.say("And another thing.")).toEqual([
      { type: "text", text: "I'm out of time, I have to jump into another meeting. Send me an email." },
      { type: "end", reason: "time_up" },
    ]);
    expect(r.model.requests).toHaveLength(2);
  });

  it("on a model error says it cannot hear the rep, once, then the offline engine plays on (logged)", async () => {
    const r = rehearse([["Go on."], { deltas: [], fail: new Error("503 from the provider") }]);
    await r.greet();
    await r.say("Hi Marcus, this is Sam from Acme.");
    expect(await r.say(PITCH)).toEqual([{ type: "text", text: BREAKING_UP_LINE }]);
    expect(r.warnings).toEqual([expect.stringMatching(/model failed.*offline prospect/)]);

    // The offline engine answers from here on (the model is not asked again), caught up with the
    // conversation: the pitch it replays is what brings up the brush-off when the rep says it again.
    const brushOff = await r.say(PITCH);
    expect(texts(brushOff).join(" ")).toBe("I'm in the middle of a shift change. Just send me an email.");
    const handled = await r.say("I'll be brief, just one quick question: how do your dispatchers track arrival times today?");
    expect(texts(handled).join(" ")).toContain("Okay, two minutes. Go.");
    const agreed = await r.say("Could we book a meeting on Tuesday at ten to show you how it works?");
    expect(ends(agreed)).toEqual(["next_step"]);
    expect(r.session.expecting()).toBe("none");
    expect(r.model.requests).toHaveLength(2);
    expect(r.warnings).toHaveLength(1);
  });

  it("a model failing mid-reply: what was said stays said, then the breaking-up line", async () => {
    const r = rehearse([{ deltas: ["Look, I'm busy. ", "What we"], fail: new Error("socket reset") }]);
    await r.greet();
    expect(texts(await r.say(PITCH))).toEqual(["Look, I'm busy.", BREAKING_UP_LINE]);
  });

  it("keeps the time limit after falling back, counted from the session's start", async () => {
    const r = rehearse([{ deltas: [], fail: new Error("down") }]);
    await r.greet();
    await r.say(PITCH);
    r.advance(S.timeLimitSec * 1000);
    expect(ends(await r.say("Hello?"))).toEqual(["time_up"]);
  });

  it("the rep barging in: the model's reply stops, and the history keeps only what the rep heard", async () => {
    const r = rehearse([["Look. ", "We already have a system that works fine for us. ", "And another thing."], ["Go on."]]);
    await r.greet();
    const controller = new AbortController();
    const events: BrainEvent[] = [];
    for await (const e of r.session.respond({ kind: "typed", text: PITCH }, controller.signal)) {
      events.push(e);
      if (events.length === 2) controller.abort();
    }
    expect(texts(events)).toEqual(["Look.", "We already have a system that works fine for us."]);
    r.session.interrupted?.("Look. We already");
    await r.say("Sorry, go on.");
    expect(r.model.requests[1]!.messages.slice(-2)).toEqual([
      { role: "assistant", content: "Look. We already" },
      { role: "user", content: "Sorry, go on." },
    ]);
  });

  it("gives the recogniser the offline prospect's phrases", () => {
    const llm = createLlmProspectBrain({ persona: P, scenario: S, model: scriptedModel([]) });
    expect(llm.phraseSpec?.()).toEqual(createProspectBrain({ persona: P, scenario: S }).phraseSpec?.());
    expect(llm.id).toBe("prospect:llm:fake:prospect");
  });

  it("ignores keypad presses, like the offline prospect", async () => {
    const r = rehearse([]);
    await r.greet();
    expect(await collect(r.session.respond({ kind: "dtmf", digits: "1" }, new AbortController().signal))).toEqual([]);
    expect(r.model.requests).toEqual([]);
  });
});
