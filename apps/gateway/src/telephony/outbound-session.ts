import type { CallRow } from "@orbis/db";
import {
  AnsweringMachineDetector,
  DEFAULT_OPENING,
  outboundPlanSchema,
  renderTemplate,
  type AmdEvent,
  type AmdResult,
  type OutboundPlan,
} from "@orbis/telephony";
import type { Brain, BrainEvent, BrainSession } from "@orbis/voice";
import { CallSession, PIPELINE_RATE, type CallSessionOptions } from "../call-session.ts";

/** What the agent says first on a call it placed: the opening, a voicemail message, or nothing (then it hangs up). */
interface Script {
  text: string;
  /** End the call once `text` has played (voicemail), with this reason. */
  endReason?: string;
}

/** The outbound calls whose detector runs in this process, for the carrier's own AMD verdict. */
const detecting = new Map<string, OutboundCallSession>();

/** The carrier's AMD verdict for a call (Twilio AnsweredBy, Telnyx call.machine.*): wins if ours is not in yet. */
export function carrierAmdResult(callId: string, verdict: { result: AmdResult; beep?: boolean }): void {
  detecting.get(callId)?.carrierVerdict(verdict);
}

/** `brain` whose opening is `script` (the rest of the conversation is the agent's own). */
function scriptedBrain(brain: Brain, script: Script): Brain {
  const greet = async function* (): AsyncIterable<BrainEvent> {
    if (script.text) yield { type: "text", text: script.text };
    if (script.endReason) yield { type: "end", reason: script.endReason };
  };
  return {
    id: brain.id,
    ...(brain.phraseSpec ? { phraseSpec: () => brain.phraseSpec!() } : {}),
    startSession(ctx) {
      const session = brain.startSession(ctx);
      return new Proxy(session, {
        get(target, prop) {
          if (prop === "greet") return greet;
          const value: unknown = Reflect.get(target, prop, target);
          return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      }) as BrainSession;
    },
  };
}

/** The carrier session for a call row: an outbound call gets the opening and answering-machine detection. */
export function carrierCallSession(call: CallRow, options: CallSessionOptions): CallSession {
  if (call.direction !== "outbound") return new CallSession(options);
  // The person the agent talks to is the one it called (their number is what the brain offers back).
  return OutboundCallSession.create(call, { ...options, ...(call.callee ? { caller: call.callee } : {}) });
}

type Phase = "detecting" | "awaiting_beep" | "starting" | "live";

/**
 * A call the agent placed. The session starts only once it is known who answered: the first seconds of
 * the callee's audio go to the `AnsweringMachineDetector` (and the carrier's AMD verdict, when it comes
 * first, decides). A person (or no verdict): the agent speaks the call's opening, variables filled in,
 * and the conversation goes on as any call. A machine: hang up, or wait for the beep (or the greeting's
 * end) and leave the voicemail message, then hang up. The verdict is kept on the call
 * (`metadata.amd`: result, reason, source, decision time).
 */
class OutboundCallSession extends CallSession {
  private phase: Phase = "detecting";
  private detector: AnsweringMachineDetector | undefined;
  private safety: ReturnType<typeof setTimeout> | undefined;
  private carrierBeep = false;

  private constructor(
    private readonly options: CallSessionOptions,
    private readonly plan: OutboundPlan,
    private readonly script: Script,
    private readonly values: Record<string, string>,
    /** The call's metadata object the record store writes at the end (the verdict goes in it). */
    private readonly metadata: Record<string, unknown>,
  ) {
    super(options);
  }

  static create(call: CallRow, options: CallSessionOptions): OutboundCallSession {
    const meta = (call.metadata ?? {}) as Record<string, unknown>;
    const parsed = outboundPlanSchema.safeParse(meta.outbound);
    const plan: OutboundPlan = parsed.success ? parsed.data : { variables: {}, machineDetection: "off" };
    const business = (options.agent.business ?? {}) as { name?: unknown; outboundOpening?: unknown };
    const businessName = typeof business.name === "string" && business.name ? business.name : options.agent.name;
    const values = { business: businessName, agent: options.agent.name, ...plan.variables };
    const template = plan.opening ?? (typeof business.outboundOpening === "string" && business.outboundOpening ? business.outboundOpening : DEFAULT_OPENING);
    const script: Script = { text: renderTemplate(template, values) };
    const metadata = { ...(options.callFields?.metadata ?? meta) };
    return new OutboundCallSession(
      { ...options, brain: scriptedBrain(options.brain, script), callFields: { ...options.callFields, metadata } },
      plan,
      script,
      values,
      metadata,
    );
  }

  override async start(): Promise<void> {
    if (this.plan.machineDetection === "off") {
      this.metadata.amd = { result: "off" };
      return this.goLive();
    }
    this.detector = new AnsweringMachineDetector({ sampleRate: PIPELINE_RATE });
    detecting.set(this.callId, this);
    // Audio drives the detector; a stream that goes quiet (no frames at all) still gets a verdict.
    this.safety = setTimeout(() => this.decided({ result: "unknown", reason: "no_audio", decisionMs: 6000 }, "orbis"), 6000);
    this.safety.unref?.();
  }

  override pushAudio(pcm: Int16Array): void {
    if (this.phase === "live") return super.pushAudio(pcm);
    if (this.phase === "starting" || !this.detector) return;
    const event = this.detector.push(pcm);
    if (event) this.onDetector(event);
  }

  /** Twilio's / Telnyx's verdict. A machine's beep already heard by the carrier: the message can go now. */
  carrierVerdict(v: { result: AmdResult; beep?: boolean }) {
    if (v.beep) this.carrierBeep = true;
    if (this.phase === "detecting" && this.detector) {
      const d = this.detector.decide(v.result, "carrier");
      if (d) this.decided(d, "carrier");
    } else if (this.phase === "awaiting_beep" && v.beep) this.leaveMessage("carrier_beep");
  }

  private onDetector(event: AmdEvent) {
    if (event.kind === "decision") this.decided(event, "orbis");
    else if (this.phase === "awaiting_beep") this.leaveMessage(event.cue);
  }

  private decided(d: { result: AmdResult; reason: string; decisionMs: number }, source: "orbis" | "carrier") {
    if (this.phase !== "detecting") return;
    clearTimeout(this.safety);
    this.metadata.amd = { result: d.result, reason: d.reason, source, decisionMs: d.decisionMs, mode: this.plan.machineDetection };
    this.log.info({ amd: this.metadata.amd }, "outbound call answered by");
    if (d.result !== "machine") return void this.goLive();
    if (this.plan.machineDetection === "voicemail" && this.plan.voicemailMessage) {
      if (this.carrierBeep) return this.leaveMessage("carrier_beep");
      this.phase = "awaiting_beep";
      return;
    }
    // Hang up on a machine: nothing is said.
    this.script.text = "";
    this.script.endReason = "answering_machine";
    void this.goLive();
  }

  private leaveMessage(cue: string) {
    this.metadata.amd = { ...(this.metadata.amd as object), voicemail: { cue } };
    this.script.text = renderTemplate(this.plan.voicemailMessage ?? "", this.values);
    this.script.endReason = "voicemail_left";
    void this.goLive();
  }

  private async goLive() {
    detecting.delete(this.callId);
    this.phase = "starting";
    // The verdict is visible while the call goes on; the store writes the same object when it ends.
    void this.options.tenant.calls
      .update(this.callId, { metadata: this.metadata })
      .catch((err: unknown) => this.log.warn({ err }, "outbound call verdict not stored"));
    try {
      await super.start();
      this.phase = "live";
    } catch (err) {
      this.log.error({ err }, "outbound session failed to start");
      await this.end("error", 1011);
    }
  }

  override async end(...args: Parameters<CallSession["end"]>): Promise<void> {
    clearTimeout(this.safety);
    detecting.delete(this.callId);
    if (this.phase === "detecting" || this.phase === "awaiting_beep") {
      this.metadata.amd ??= {
        result: "unknown",
        reason: "hung_up",
        source: "orbis",
        decisionMs: this.detector?.elapsedMs ?? 0,
        mode: this.plan.machineDetection,
      };
      this.phase = "starting";
    }
    return super.end(...args);
  }
}
