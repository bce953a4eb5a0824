import { createId, type MessageDto } from "@orbis/contracts";
import type { MessageSink, NewMessage } from "@orbis/ports";
import type { MessageRow, TenantScope } from "@orbis/db";
import { callIdOrNull } from "./mappers.ts";

export const toMessageDto = (row: MessageRow): MessageDto => ({
  id: row.id,
  agentId: row.agentId,
  callId: row.callId,
  callerName: row.callerName,
  callbackNumber: row.callbackNumber,
  text: row.text,
  urgency: row.urgency,
  status: row.status,
  createdAt: row.createdAt.toISOString(),
});

/** Messages the agent takes land in the workspace's messages table (listed at /v1/messages). */
export class DbMessageSink implements MessageSink {
  constructor(private readonly tenant: TenantScope) {}
  /** The message and its `message.taken` event, in one transaction (the caller's, when it has one). */
  async saveMessage(m: NewMessage): Promise<MessageDto> {
    return this.tenant.transaction(async (t) => {
      const row = await t.messages.insert({
        id: createId("message"),
        agentId: m.agentId,
        callId: callIdOrNull(m.callId),
        callerName: m.callerName,
        callbackNumber: m.callbackNumber,
        text: m.text,
        urgency: m.urgency,
      });
      await t.events.record("message.taken", {
        messageId: row.id,
        agentId: row.agentId,
        callId: row.callId,
        callerName: row.callerName,
        callbackNumber: row.callbackNumber,
        text: row.text,
        urgency: row.urgency,
      });
      return toMessageDto(row);
    });
  }
}
