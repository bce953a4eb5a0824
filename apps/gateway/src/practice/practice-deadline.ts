import type { CallSession } from "../call-session.ts";

/** The prospect ends the session at the scenario's limit itself; the gateway ends it this much later if it has not. */
const GRACE_MS = 5_000;

/**
 * The backstop of a practice session's time limit: ends the session (`time_up`) once the scenario's
 * limit and a short grace have passed since it started. Returns the cancel.
 */
export function practiceDeadline(session: CallSession, timeLimitSec: number): () => void {
  const timer = setTimeout(
    () => {
      if (!session.isEnded) void session.end("agent_ended", 1000, "time_up");
    },
    timeLimitSec * 1000 + GRACE_MS,
  );
  timer.unref();
  return () => clearTimeout(timer);
}
