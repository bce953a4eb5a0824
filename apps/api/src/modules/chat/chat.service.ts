import { AppError, createId, notFound, type AgentConfig } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import type { BrainEvent, BrainSession, ToolCallRecord } from "@orbis/voice";
import { loadAgentConfigForCall, type AgentConfigMode, type BrainFactory } from "@orbis/agent-runtime";

export interface ChatReply {
  conversationId: string;
  replies: string[];
  toolCalls: ToolCallRecord[];
  transfer: { to: string; reason: string } | null;
  ended: boolean;
}

interface Conversation {
  agentId: string;
  session: BrainSession;
  lastUsed: number;
  /** Turns of one conversation run one after another, in arrival order. */
  queue: Promise<unknown>;
}

export interface ChatServiceOptions {
  brains: BrainFactory;
  ttlMs?: number;
  maxConversations?: number;
  now?: () => number;
}

/**
 * The text channel: the same brain as a call, one BrainSession per conversation. Sessions live in
 * this process's memory for `ttlMs` after their last turn, keyed by workspace and conversation id,
 * so several api processes need sticky routing on conversationId (or sessions kept in Redis).
 */
export function createChatService(options: ChatServiceOptions) {
  const ttlMs = options.ttlMs ?? 30 * 60_000;
  const maxConversations = options.maxConversations ?? 10_000;
  const now = options.now ?? Date.now;
  const conversations = new Map<string, Conversation>();
  let lastSweep = 0;

  function sweep(t: number) {
    if (t - lastSweep < 30_000 && conversations.size < maxConversations) return;
    lastSweep = t;
    for (const [key, c] of conversations) if (t - c.lastUsed > ttlMs) conversations.delete(key);
    // Still full: the least recently used go (Map order is insertion order; turns re-insert).
    while (conversations.size >= maxConversations) conversations.delete(conversations.keys().next().value!);
  }

  async function collect(events: AsyncIterable<BrainEvent>, out: ChatReply) {
    for await (const event of events) {
      switch (event.type) {
        case "text":
          if (event.text.trim()) out.replies.push(event.text.trim());
          break;
        case "tool":
          out.toolCalls.push(event.call);
          break;
        case "transfer":
          out.transfer = { to: event.to, reason: event.reason };
          break;
        case "end":
          out.ended = true;
          break;
      }
    }
  }

  /** The config a new conversation runs: the published version, or the draft for a member who asked for it. */
  async function configFor(tenant: TenantScope, agentId: string, mode: AgentConfigMode, draftAllowed: boolean): Promise<AgentConfig> {
    if (mode === "draft" && !draftAllowed) throw new AppError("forbidden", "Only signed-in members can chat with an agent's draft");
    const loaded = await loadAgentConfigForCall(tenant, agentId, mode);
    if (loaded.ok) return loaded.config;
    if (loaded.reason === "not_found") throw notFound("Agent");
    throw new AppError("conflict", "Agent is not published: publish it, or chat with its draft (mode: draft)");
  }

  return {
    async chat(
      tenant: TenantScope,
      agentId: string,
      input: { conversationId?: string | undefined; text: string; mode?: AgentConfigMode; draftAllowed?: boolean },
    ): Promise<ChatReply> {
      const t = now();
      sweep(t);
      let conversationId = input.conversationId;
      let conversation: Conversation | undefined;
      let fresh = false;
      if (conversationId) {
        // A deleted agent's conversations end with it.
        if (!(await tenant.agents.get(agentId))) throw notFound("Agent");
        conversation = conversations.get(`${tenant.workspaceId}:${conversationId}`);
        if (!conversation || conversation.agentId !== agentId || t - conversation.lastUsed > ttlMs)
          throw new AppError("not_found", "Conversation not found or expired");
      } else {
        const agent = await configFor(tenant, agentId, input.mode ?? "published", input.draftAllowed ?? false);
        conversationId = createId("conversation");
        const brain = await options.brains(tenant.workspaceId, agentId, agent);
        conversation = {
          agentId,
          session: brain.startSession({ callId: conversationId, workspaceId: tenant.workspaceId, agentId, channel: "web" }),
          lastUsed: t,
          queue: Promise.resolve(),
        };
        fresh = true;
      }
      const key = `${tenant.workspaceId}:${conversationId}`;
      conversations.delete(key);
      conversations.set(key, conversation);
      conversation.lastUsed = t;

      const c = conversation;
      const out: ChatReply = { conversationId, replies: [], toolCalls: [], transfer: null, ended: false };
      const turn = c.queue.then(async () => {
        const signal = new AbortController().signal;
        if (fresh) await collect(c.session.greet(signal), out);
        if (input.text.trim() && !out.ended) await collect(c.session.respond({ kind: "typed", text: input.text }, signal), out);
      });
      c.queue = turn.catch(() => undefined);
      await turn;
      if (out.ended) conversations.delete(key);
      return out;
    },
    /** For tests and metrics. */
    size: () => conversations.size,
  };
}
export type ChatService = ReturnType<typeof createChatService>;
