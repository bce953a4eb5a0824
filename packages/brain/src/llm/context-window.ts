import type { ChatMessage } from "@orbis/ports";

export interface ContextBudget {
  /** Characters of history sent per request (≈ 4 per token); the system prompt comes on top. Default 24,000. */
  maxHistoryChars?: number;
  /** Each tool result kept from trimmed turns is cut to this many characters. Default 600. */
  toolResultChars?: number;
}

const sizeOf = (m: ChatMessage): number => m.content.length + (m.role === "assistant" && m.toolCalls ? JSON.stringify(m.toolCalls).length : 0) + 16;

/**
 * Fits a long call's history into the model's context. Whole exchanges (a caller message with the
 * replies and tool round trips that follow it) are dropped oldest first, so a tool result is never
 * separated from the call that asked for it; the newest exchange is always kept. What the trimmed
 * exchanges' tools returned (appointment ids, messages taken) survives as `earlier`, for the system
 * prompt: the facts the rest of the call may refer to.
 */
export function fitHistory(history: readonly ChatMessage[], budget: ContextBudget = {}): { messages: ChatMessage[]; earlier: string | null } {
  const max = budget.maxHistoryChars ?? 24_000;
  const total = history.reduce((n, m) => n + sizeOf(m), 0);
  if (total <= max) return { messages: [...history], earlier: null };

  const exchanges: ChatMessage[][] = [];
  for (const m of history) {
    const last = exchanges.at(-1);
    if (m.role === "user" || !last) exchanges.push([m]);
    else last.push(m);
  }
  const kept: ChatMessage[][] = [];
  let used = 0;
  for (let i = exchanges.length - 1; i >= 0; i--) {
    const ex = exchanges[i]!;
    const size = ex.reduce((n, m) => n + sizeOf(m), 0);
    if (kept.length > 0 && used + size > max) break;
    kept.unshift(ex);
    used += size;
  }
  const dropped = exchanges.slice(0, exchanges.length - kept.length).flat();
  const cut = budget.toolResultChars ?? 600;
  const facts = dropped.flatMap((m) => (m.role === "tool" ? [`- ${m.name} → ${m.content.length > cut ? `${m.content.slice(0, cut)}…` : m.content}`] : []));
  const said = dropped.filter((m) => m.role === "user").length;
  const earlier = [
    `${said} earlier caller turn${said === 1 ? " was" : "s were"} trimmed from this call.`,
    ...(facts.length ? ["Tool results from them (still true unless changed since):", ...facts] : []),
  ].join("\n");
  return { messages: kept.flat(), earlier };
}
