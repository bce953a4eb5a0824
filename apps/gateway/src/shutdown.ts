import type { WebSocket } from "ws";
import { CLOSE_CODES } from "@orbis/contracts";
import type { CallSession } from "./call-session.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The gateway's open sockets, browser and carrier, each with its call once it has one, and the close
 * handling still running for sockets that closed (ending the call row, releasing the call slot): what
 * an orderly shutdown ends, and waits for before the cache and database close.
 */
export class LiveSockets {
  private readonly open = new Map<WebSocket, () => CallSession | undefined>();
  private readonly cleanups = new Set<Promise<unknown>>();
  /** Shutdown has begun: no call may start any more. */
  closing = false;

  add(socket: WebSocket, call: () => CallSession | undefined): void {
    this.open.set(socket, call);
  }

  /** The socket closed; `handling` is its close handling, awaited at shutdown. */
  closed(socket: WebSocket, handling: Promise<unknown>): void {
    this.open.delete(socket);
    const tracked: Promise<unknown> = handling.finally(() => this.cleanups.delete(tracked));
    this.cleanups.add(tracked);
  }

  /**
   * First step of a shutdown, while the server still runs: every live call ends as `server_shutdown`
   * (its row says so, its client gets `end {reason: "server_shutdown"}`, then close 1012), a socket
   * without a call is closed 1012. Waits until the sockets have closed, at most `drainMs`.
   */
  async endAll(drainMs: number): Promise<void> {
    this.closing = true;
    const deadline = Date.now() + drainMs;
    const ending = [...this.open].map(([socket, call]) => {
      const session = call();
      if (session && !session.isEnded) return session.end("server_shutdown", CLOSE_CODES.serverShutdown);
      if (socket.readyState === socket.OPEN) socket.close(CLOSE_CODES.serverShutdown, "server shutdown");
      return undefined;
    });
    await Promise.race([Promise.allSettled(ending), sleep(drainMs)]);
    while (this.open.size > 0 && Date.now() < deadline) await sleep(10);
  }

  /**
   * Last step: sockets still open are cut, then their close handling is awaited (bounded: close events
   * arrive on later ticks than the cut that caused them).
   */
  async drain(): Promise<void> {
    for (const socket of this.open.keys()) socket.terminate();
    for (let i = 0; i < 200 && (this.open.size > 0 || this.cleanups.size > 0); i++) {
      await Promise.race([Promise.allSettled([...this.cleanups]), sleep(10)]);
    }
  }
}
