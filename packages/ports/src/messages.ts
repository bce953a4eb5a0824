import type { MessageDto, MessageUrgency } from "@orbis/contracts";

export interface NewMessage {
  agentId: string | null;
  callId: string | null;
  callerName: string;
  callbackNumber: string;
  text: string;
  urgency: MessageUrgency;
}

/** Where messages taken by the agent go (the messages table; an email/SMS job may follow). */
export interface MessageSink {
  saveMessage(message: NewMessage): Promise<MessageDto>;
}
