import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember, bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";
import { defaultPreviewText } from "../src/modules/voice-preview/voice-preview.service.ts";
import { agentConfigSchema } from "@orbis/contracts";

let t: TestApp;
let a: Account;
let b: Account;
let agentId: string;

beforeAll(async () => {
  t = await buildTestApp();
  a = await signup(t.app, "preview-a");
  b = await signup(t.app, "preview-b");
  agentId = (await t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(a.token), payload: validAgent })).json().id;
});
afterAll(() => t.close());

/** The fmt fields and the samples of a PCM WAV. */
function readWav(body: Buffer) {
  expect(body.toString("ascii", 0, 4)).toBe("RIFF");
  expect(body.readUInt32LE(4)).toBe(body.length - 8);
  expect(body.toString("ascii", 8, 16)).toBe("WAVEfmt ");
  const dataBytes = body.readUInt32LE(40);
  expect(body.toString("ascii", 36, 40)).toBe("data");
  expect(dataBytes).toBe(body.length - 44);
  const samples = new Int16Array(dataBytes / 2);
  for (let i = 0; i < samples.length; i++) samples[i] = body.readInt16LE(44 + i * 2);
  return { format: body.readUInt16LE(20), channels: body.readUInt16LE(22), sampleRate: body.readUInt32LE(24), bits: body.readUInt16LE(34), samples };
}

describe("POST /v1/agents/:id/voice-preview", () => {
  it("speaks the default greeting with the agent's offline voice as a 16-bit PCM WAV with sound in it", async () => {
    const staff = await addMember(t.app, a, "staff");
    const res = await t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/voice-preview`, headers: bearer(staff.token), payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers["content-type"]).toBe("audio/wav");
    const wav = readWav(res.rawPayload);
    expect(wav).toMatchObject({ format: 1, channels: 1, sampleRate: 16000, bits: 16 });
    // "Thanks for calling Front desk. How can I help you today?" is a few seconds of speech, not silence.
    expect(wav.samples.length / wav.sampleRate).toBeGreaterThan(1.5);
    const peak = wav.samples.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    expect(peak).toBeGreaterThan(1000);
  }, 60_000);

  it("says the text given, in the voice given: longer text, longer audio", async () => {
    const say = (text: string) =>
      t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/voice-preview`, headers: bearer(a.token), payload: { text, voice: "kal16" } });
    const short = readWav((await say("Hi.")).rawPayload);
    const long = readWav((await say("Hello there, this is a much longer sentence to speak aloud.")).rawPayload);
    expect(long.samples.length).toBeGreaterThan(short.samples.length * 2);
  }, 60_000);

  it("names the business in the default text when the agent has one", () => {
    const agent = agentConfigSchema.parse({ name: "Desk", business: { name: "Riverside Dental" } });
    expect(defaultPreviewText(agent)).toBe("Thanks for calling Riverside Dental. How can I help you today?");
    expect(defaultPreviewText(agentConfigSchema.parse({ name: "Desk" }))).toBe("Thanks for calling Desk. How can I help you today?");
  });

  it("is 404 for another workspace's agent, 403 for a viewer, 422 for text over 300 characters", async () => {
    const fromB = await t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/voice-preview`, headers: bearer(b.token), payload: {} });
    expect(fromB.statusCode).toBe(404);
    expect(fromB.json().error.code).toBe("not_found");
    const viewer = await addMember(t.app, a, "viewer");
    const asViewer = await t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/voice-preview`, headers: bearer(viewer.token), payload: {} });
    expect(asViewer.statusCode).toBe(403);
    const long = await t.app.inject({
      method: "POST",
      url: `/v1/agents/${agentId}/voice-preview`,
      headers: bearer(a.token),
      payload: { text: "a".repeat(301) },
    });
    expect(long.statusCode).toBe(422);
    expect(long.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: "body.text" })]));
    const badId = await t.app.inject({ method: "POST", url: "/v1/agents/not-an-id/voice-preview", headers: bearer(a.token), payload: {} });
    expect(badId.statusCode).toBe(422);
    expect((await t.app.inject({ method: "POST", url: `/v1/agents/${agentId}/voice-preview`, payload: {} })).statusCode).toBe(401);
  });
});
