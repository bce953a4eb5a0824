import { z } from "zod";
import { apiKeyCredentialSchema, defineProvider, optionsOf } from "../definition.ts";
import { createAnthropicChatModel } from "./anthropic-chat.ts";

const chatOptions = z.object({ model: z.string().optional(), maxTokens: z.number().int().positive().optional() });

export const anthropic = defineProvider({
  id: "anthropic",
  vendor: "anthropic",
  needsKey: true,
  credentialSchema: apiKeyCredentialSchema,
  defaultPrices: { anthropic: { llmPerMillionIn: 1, llmPerMillionOut: 5 } },
  chat: {
    anthropic: {
      models: ["claude-haiku-4-5", "claude-sonnet-4-5"],
      build: (ctx) => {
        const o = optionsOf(chatOptions, ctx, "anthropic");
        return {
          provider: createAnthropicChatModel({
            apiKey: ctx.credential.apiKey,
            baseUrl: ctx.credential.baseUrl,
            model: o.model ?? "claude-haiku-4-5",
            maxTokens: o.maxTokens,
          }),
        };
      },
    },
  },
});
