import WebSocket from "ws";
import { serverMessageSchema } from "@orbis/contracts";
import type { Scenario } from "../scenario.ts";
import type { CallerPath, CallTarget, CallTrace } from "./caller-path.ts";

export interface WebTextOptions {
  /** Agent quiet (no audio frame, transcript or tool event) this long after it said something = it has finished its reply. */
  quietMs?: number;
  /** The same after the caller's last turn, before hanging up: longer, so the last reply is not cut. */
  closingQuietMs?: number;
  /** Gives up waiting for an answer to one caller turn after this long. */
  turnTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A pause written " ... " inside a turn, as a punctuating transcriber renders it. */
export function typedForm(turn: string): string {
  return turn
    .replace(/\s*\.\.\.\s*$/, "")
    .replace(/\s*\.\.\.\s*/g, ", ")
    .trim();
}

/**
 * The browser stream with typed input: `start`, then one `text` frame per caller turn, each sent only
 * once the agent has finished its reply (its audio stopped), so nothing is a barge-in; then `end`.
 */
export function webTextPath(options: WebTextOptions = {}): CallerPath {
  const quietMs = options.quietMs ?? 1500;
  const closingQuietMs = options.closingQuietMs ?? 3000;
  const turnTimeoutMs = options.turnTimeoutMs ?? 15_000;
  return {
    id: "web-text",
    async call(scenario: Scenario, target: CallTarget): Promise<CallTrace> {
      const trace: CallTrace = { greeting: "", turns: [], unsaid: 0, interrupts: 0, errors: [] };
      const ws = new WebSocket(await target.streamUrl(), { origin: target.origin });
      let closed = false;
      let lastLife = 0;
      let lines: string[] = [];
      let firstLineAt: number | undefined;
      let readyResolve!: () => void;
      const ready = new Promise<void>((r) => (readyResolve = r));
      const closedPromise = new Promise<void>((resolve) =>
        ws.on("close", (code) => {
          closed = true;
          trace.closeCode = code;
          readyResolve();
          resolve();
        }),
      );
      ws.on("error", (err) => trace.errors.push(`socket: ${err.message}`));
      ws.on("message", (data, isBinary) => {
        const now = performance.now();
        lastLife = now;
        if (isBinary) return;
        const parsed = serverMessageSchema.safeParse(JSON.parse(data.toString()));
        if (!parsed.success) {
          trace.errors.push(`invalid server message: ${data.toString().slice(0, 200)}`);
          return;
        }
        const m = parsed.data;
        if (m.type === "ready") {
          trace.callId = m.callId;
          readyResolve();
        } else if (m.type === "transcript" && m.role === "agent" && m.final) {
          lines.push(m.text);
          firstLineAt ??= now;
        } else if (m.type === "interrupt") trace.interrupts++;
        else if (m.type === "end") trace.endReason = m.reason;
        else if (m.type === "error") trace.errors.push(`server error ${m.code}: ${m.message}`);
      });

      /** Resolves when the agent said something and then went quiet, the call closed, or the turn timed out. */
      const agentFinished = async (since: number, quiet = quietMs) => {
        while (!closed && performance.now() - since < turnTimeoutMs) {
          await sleep(20);
          if (lines.length > 0 && performance.now() - lastLife >= quiet) return;
        }
      };

      await new Promise<void>((resolve) => {
        ws.once("open", () => resolve());
        ws.once("close", () => resolve());
      });
      if (!closed) ws.send(JSON.stringify({ type: "start" }));
      await ready;
      try {
        await agentFinished(performance.now());
        trace.greeting = lines.join(" ");
        for (const [i, turn] of scenario.turns.entries()) {
          if (closed) {
            trace.unsaid = scenario.turns.length - i;
            break;
          }
          lines = [];
          firstLineAt = undefined;
          const sentAt = performance.now();
          ws.send(JSON.stringify({ type: "text", text: typedForm(turn) }));
          await agentFinished(sentAt, i === scenario.turns.length - 1 ? closingQuietMs : quietMs);
          trace.turns.push({ said: turn, heard: lines.join(" "), ...(firstLineAt !== undefined ? { firstTextMs: Math.round(firstLineAt - sentAt) } : {}) });
        }
      } finally {
        if (!closed) {
          ws.send(JSON.stringify({ type: "end" }));
          await Promise.race([closedPromise, sleep(3000)]);
          if (!closed) ws.terminate();
        }
      }
      return trace;
    },
  };
}
