import WebSocket from "ws";
import { serverMessageSchema, type ServerMessage } from "@orbis/contracts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The agent has finished speaking once neither its text nor its audio arrived for this long. */
const QUIET_MS = 1200;

export interface CallClosed {
  code: number;
  reason: string;
}

/**
 * A caller that types (`{type: "text"}`) into /v1/stream, as the dashboard's "Try this agent" can:
 * no speech recognition in the way, so what the agent heard is exactly what was sent.
 */
export class TypedCall {
  readonly messages: ServerMessage[] = [];
  /** The call id once the agent answered; undefined when the socket closed (or was refused) first. */
  readonly ready: Promise<string | undefined>;
  readonly closed: Promise<CallClosed>;
  /** The server's `error` message, when it refused the call. */
  error?: string;
  private readonly ws: WebSocket;
  private lastSignOfLife = performance.now();
  private isClosed = false;

  constructor(url: string, origin: string) {
    this.ws = new WebSocket(url, { origin });
    this.closed = new Promise((resolve) =>
      this.ws.on("close", (code, reason) => {
        this.isClosed = true;
        resolve({ code, reason: reason.toString() });
      }),
    );
    this.ready = new Promise((resolve) => {
      this.ws.on("message", (data: Buffer, isBinary) => {
        this.lastSignOfLife = performance.now();
        if (isBinary) return;
        const message = serverMessageSchema.parse(JSON.parse(data.toString()));
        this.messages.push(message);
        if (message.type === "ready") resolve(message.callId);
        if (message.type === "error") this.error = message.message;
      });
      void this.closed.then(() => resolve(undefined));
    });
    this.ws.on("open", () => this.ws.send(JSON.stringify({ type: "start" })));
    // A refused upgrade (503 while the server closes, nothing listening) ends as a close; nothing to add.
    this.ws.on("error", () => {});
  }

  /** What the agent said, final lines in order. */
  agentLines(): string[] {
    return this.messages.flatMap((m) => (m.type === "transcript" && m.role === "agent" && m.final ? [m.text] : []));
  }

  /** The agent's words since `from` (an index into agentLines) once it has spoken and gone quiet. */
  async agentAnswer(from: number, timeoutMs = 20_000): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    while (!this.isClosed && performance.now() < deadline) {
      await sleep(50);
      if (this.agentLines().length > from && performance.now() - this.lastSignOfLife > QUIET_MS) break;
    }
    return this.agentLines().slice(from).join(" ");
  }

  /**
   * Resolves once the agent's text since `from` matches `pattern`, without waiting for its audio to play
   * out (text arrives ahead of the audio); fails with what it did say after `timeoutMs`.
   */
  async agentSays(pattern: RegExp, from = 0, timeoutMs = 20_000): Promise<string> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const said = this.agentLines().slice(from).join(" ");
      if (pattern.test(said)) return said;
      if (this.isClosed || performance.now() > deadline) throw new Error(`the agent did not say ${pattern}; it said: "${said}"`);
      await sleep(20);
    }
  }

  /** The greeting: the agent's first words, once it has finished them. */
  greeting(): Promise<string> {
    return this.agentAnswer(0);
  }

  /** Types a line; resolves once the server has taken it (it echoes typed text as the caller's final transcript). */
  async say(text: string, timeoutMs = 10_000): Promise<void> {
    const echoed = () => this.messages.some((m) => m.type === "transcript" && m.role === "user" && m.text === text);
    this.ws.send(JSON.stringify({ type: "text", text }));
    const deadline = performance.now() + timeoutMs;
    while (!echoed()) {
      if (this.isClosed || performance.now() > deadline) throw new Error(`the server did not take "${text}"`);
      await sleep(20);
    }
  }

  /** Types a line and returns the agent's answer once it matches `pattern` (its audio may still be playing). */
  async askFor(text: string, pattern: RegExp): Promise<string> {
    const from = this.agentLines().length;
    await this.say(text);
    return this.agentSays(pattern, from);
  }

  /** Types a line and waits for the agent's whole answer to it. */
  async ask(text: string): Promise<string> {
    const from = this.agentLines().length;
    await this.say(text);
    return this.agentAnswer(from);
  }

  /** Hangs up as the widget does (`end`), and waits for the close. */
  async hangUp(): Promise<CallClosed> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: "end" }));
    return this.closed;
  }
}
