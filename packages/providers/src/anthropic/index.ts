export { createAnthropicChatModel, toAnthropicMessages } from "./anthropic-chat.ts";
export type { AnthropicChatOptions } from "./anthropic-chat.ts";
export { anthropic } from "./provider.ts";
