import { simulateCall } from "@orbis/gateway/caller";
import type { Scenario } from "../scenario.ts";
import { spokenForm, type CallerPath, type CallTarget, type CallTrace } from "./caller-path.ts";

export interface WebVoiceOptions {
  /** Gives up waiting for an answer to one caller turn after this long. */
  turnTimeoutMs?: number;
}

/**
 * The browser stream with speech: the gateway's caller simulator speaks each turn as 16 kHz PCM16 in
 * real time with the scenario's offline voice (" ... " is a silent pause of `midPauseMs`), keeps the
 * microphone open between turns as the widget does, and speaks again once the agent's audio has
 * stopped. Latency is the caller's last voiced frame → the agent's first audio frame; a turn is cut
 * off when agent audio arrived while the caller was still speaking.
 */
export function webVoicePath(options: WebVoiceOptions = {}): CallerPath {
  return {
    id: "web-voice",
    async call(scenario: Scenario, target: CallTarget): Promise<CallTrace> {
      const voice = scenario.voice ?? { voice: "kal16", midPauseMs: 600, replyPauseMs: 400 };
      const errors: string[] = [];
      const result = await simulateCall(
        scenario.turns.map((say) => ({ say: spokenForm(say) })),
        {
          url: await target.streamUrl(),
          origin: target.origin,
          voice: voice.voice,
          midPauseMs: voice.midPauseMs,
          pauseMs: voice.replyPauseMs,
          turnTimeoutMs: options.turnTimeoutMs ?? 20_000,
          onEvent: (line) => {
            if (line.startsWith("error ")) errors.push(`server ${line}`);
          },
        },
      );
      const turns = result.turns.map((t, i) => ({
        said: scenario.turns[i] ?? t.said,
        heard: t.heard,
        cutOff: t.cutOff,
        ...(t.latencyMs !== undefined && t.heard ? { firstTextMs: t.latencyMs } : {}),
      }));
      return {
        ...(result.callId ? { callId: result.callId } : {}),
        greeting: result.greeting,
        turns,
        unsaid: scenario.turns.length - turns.length,
        ...(result.endReason ? { endReason: result.endReason } : {}),
        ...(result.closeCode !== undefined ? { closeCode: result.closeCode } : {}),
        interrupts: result.interrupts,
        errors,
      };
    },
  };
}
