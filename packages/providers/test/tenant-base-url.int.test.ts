import { afterEach, describe, expect, it } from "vitest";
import { ProviderError, type ChatChunk, type ChatModel } from "@orbis/ports";
import { chatCatalog, type ProviderCredential } from "../src/index.ts";
import { startOpenAiChatEmulator } from "./emulators/openai-chat-emulator.ts";
import type { OpenAiChatEmulator } from "./emulators/openai-chat-emulator.ts";

/**
 * Where an OpenAI-compatible vendor is reached is the operator's decision (`<VENDOR>_BASE_URL`): an
 * agent's options are tenant-editable, and the platform's key must never follow a `baseUrl` there.
 * Only a workspace's own key may go to the tenant's own server (`openai-compatible`), through the
 * outbound guard.
 */

const servers: OpenAiChatEmulator[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
const start = async () => {
  const s = await startOpenAiChatEmulator(() => ({ text: ["Hi."] }));
  servers.push(s);
  return s;
};

async function reply(model: ChatModel): Promise<string> {
  let text = "";
  for await (const c of model.stream({
    messages: [{ role: "user", content: "hi" }],
    tools: [],
    signal: new AbortController().signal,
  }) as AsyncIterable<ChatChunk>) {
    if (c.type === "text") text += c.text;
  }
  return text;
}

/** What the manager does for each id of `agent.providers.llm`, with the credential the gateway resolved. */
const build = (id: string, options: Record<string, unknown>, credential: ProviderCredential | undefined) =>
  chatCatalog[id]!({ credentials: () => credential, options: { [id]: options }, cacheDir: "/tmp" });

describe("an agent's baseUrl never receives the platform key", () => {
  it.each(["openai", "groq", "openrouter", "ollama"])("%s: the operator's endpoint is used, the agent's baseUrl ignored", async (id) => {
    const operator = await start();
    const tenant = await start();
    const built = build(id, { baseUrl: tenant.baseURL, model: "m" }, { apiKey: "sk-platform", baseUrl: operator.baseURL });
    if ("missing" in built) throw new Error(built.missing);
    expect(built.provider.id).toBe(`${id}:m`);
    expect(await reply(built.provider)).toBe("Hi.");
    await built.healthCheck!(new AbortController().signal);
    expect(tenant.keys).toEqual([]);
    expect(tenant.requests).toEqual([]);
    expect(operator.keys).toEqual(["sk-platform", "sk-platform"]);
  });

  it("openai-compatible: a baseUrl with the platform key is refused (the manager skips it), nothing is sent", async () => {
    const tenant = await start();
    expect(build("openai-compatible", { baseUrl: tenant.baseURL }, { apiKey: "sk-platform" })).toEqual({
      missing: expect.stringMatching(/workspace's own openai-compatible key/),
    });
    expect(build("openai-compatible", { baseUrl: tenant.baseURL }, { apiKey: "sk-platform", baseUrl: "http://127.0.0.1:9" })).toHaveProperty("missing");
    expect(tenant.keys).toEqual([]);
  });

  it("openai-compatible without an agent baseUrl uses the operator's server (either key)", async () => {
    const operator = await start();
    const built = build("openai-compatible", { model: "llama" }, { apiKey: "sk-platform", baseUrl: operator.baseURL });
    if ("missing" in built) throw new Error(built.missing);
    expect(await reply(built.provider)).toBe("Hi.");
    expect(operator.keys).toEqual(["sk-platform"]);
    expect(build("openai-compatible", {}, { apiKey: "sk-platform" })).toEqual({ missing: "openai-compatible baseUrl" });
  });
});

describe("a workspace's own openai-compatible key may go to the tenant's server, through the outbound guard", () => {
  it("a loopback baseUrl is refused by the guard (not retryable); nothing reaches it", async () => {
    const tenant = await start();
    const built = build("openai-compatible", { baseUrl: tenant.baseURL }, { apiKey: "sk-own", workspace: { allowPrivateNetwork: false } });
    if ("missing" in built) throw new Error(built.missing);
    const err = await reply(built.provider).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ retryable: false, message: expect.stringMatching(/refused address \(loopback\)/) });
    await expect(built.healthCheck!(new AbortController().signal)).rejects.toMatchObject({ retryable: false });
    expect(tenant.keys).toEqual([]);
  });

  it("with ALLOW_PRIVATE_NETWORK_TOOLS the tenant's own server gets the tenant's own key", async () => {
    const tenant = await start();
    const built = build("openai-compatible", { baseUrl: tenant.baseURL, model: "llama" }, { apiKey: "sk-own", workspace: { allowPrivateNetwork: true } });
    if ("missing" in built) throw new Error(built.missing);
    expect(built.provider.id).toBe("openai-compatible:llama");
    expect(await reply(built.provider)).toBe("Hi.");
    await built.healthCheck!(new AbortController().signal);
    expect(tenant.keys).toEqual(["sk-own", "sk-own"]);
  });
});
