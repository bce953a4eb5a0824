import { describe, expect, it } from "vitest";
import { createTokenService, SESSION_TTL_SEC } from "../src/tokens.ts";

const SECRET = "test-secret-test-secret-test-secret";

describe("session tokens", () => {
  it("verifies its own token, again from memory, and refuses it once expired", async () => {
    let at = new Date("2026-12-01T09:00:00Z");
    const tokens = createTokenService(SECRET, () => at);
    const { token, jti } = await tokens.issueSession("usr_1", "ws_1");
    expect(await tokens.verifySession(token)).toMatchObject({ userId: "usr_1", workspaceId: "ws_1", jti });
    expect(await tokens.verifySession(token)).toMatchObject({ userId: "usr_1", jti });
    at = new Date(at.getTime() + (SESSION_TTL_SEC - 1) * 1000);
    expect(await tokens.verifySession(token)).toBeDefined();
    at = new Date(at.getTime() + 2000);
    expect(await tokens.verifySession(token)).toBeUndefined();
  });

  it("refuses a token signed with another secret or altered in transit", async () => {
    const ours = createTokenService(SECRET);
    const theirs = createTokenService("another-secret-another-secret-another");
    const { token } = await theirs.issueSession("usr_1", "ws_1");
    expect(await ours.verifySession(token)).toBeUndefined();
    const mine = (await ours.issueSession("usr_1", "ws_1")).token;
    const [header, , signature] = mine.split(".");
    const forged = Buffer.from(JSON.stringify({ sub: "usr_2", ws: "ws_2", jti: "x", iss: "orbisvoice", aud: "session", exp: 9e9 })).toString("base64url");
    expect(await ours.verifySession(`${header}.${forged}.${signature}`)).toBeUndefined();
    expect(await ours.verifySession(mine)).toBeDefined();
  });

  it("does not accept a voice token as a session", async () => {
    const tokens = createTokenService(SECRET);
    const { token } = await tokens.issueVoiceToken({ workspaceId: "ws_1", agentId: "agent_1" });
    expect(await tokens.verifySession(token)).toBeUndefined();
    expect(await tokens.verifyVoiceToken(token)).toMatchObject({ agentId: "agent_1", workspaceId: "ws_1" });
  });
});

describe("voice tokens", () => {
  it("each carries its own id, even two issued in the same second with the same claims", async () => {
    const at = new Date("2026-12-01T09:00:00Z");
    const tokens = createTokenService(SECRET, () => at);
    const one = await tokens.issueVoiceToken({ workspaceId: "ws_1", agentId: "agent_1", keyId: "key_1" });
    const two = await tokens.issueVoiceToken({ workspaceId: "ws_1", agentId: "agent_1", keyId: "key_1" });
    expect(one.token).not.toBe(two.token);
    expect(one.jti).not.toBe(two.jti);
    expect(await tokens.verifyVoiceToken(one.token)).toMatchObject({ agentId: "agent_1", keyId: "key_1", jti: one.jti });
  });
});
