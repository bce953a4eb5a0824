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
  async saveMessage(m: NewMessage): Promise<MessageDto> {
    const row = await this.tenant.messages.insert({
      id: createId("message"),
      agentId: m.agentId,
      callId: callIdOrNull(m.callId),
      callerName: m.callerName,
      callbackNumber: m.callbackNumber,
      text: m.text,
      urgency: m.urgency,
    });
    return toMessageDto(row);
  }
}
