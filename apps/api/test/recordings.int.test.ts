import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConfig, type AppConfig } from "@orbis/config";
import { createId } from "@orbis/contracts";
import { tenantScope } from "@orbis/db";
import { CallRecording, createRecordingStore, localRecordingStore, type RecordingStore } from "@orbis/recordings";
import { startS3Emulator, type S3Emulator } from "../../../packages/recordings/test/s3-emulator.ts";
import { bearer, buildTestApp, signup, validAgent, type Account, type TestApp } from "./helpers.ts";

const frame = (value: number) => new Int16Array(320).fill(value);

/** Writes a 2-second recording of `key` through `store`, and the WAV it must read back as (the same frames, unencrypted). */
async function writeRecording(store: RecordingStore, key: string): Promise<{ location: string; wav: Buffer }> {
  const write = async (into: RecordingStore) => {
    const rec = new CallRecording(into, key);
    rec.agentFrame(frame(-3));
    for (let i = 0; i < 100; i++) rec.callerFrame(frame(i + 1));
    await rec.close();
    return rec.location;
  };
  const reference = await write(localRecordingStore(mkdtempSync(join(tmpdir(), "orbis-rec-ref-"))));
  return { location: await write(store), wav: readFileSync(reference) };
}

interface Setup {
  t: TestApp;
  config: AppConfig;
  store: RecordingStore;
  clock: { at: number };
}

/** The api with its recording store from `recordings` settings (under a fresh DATA_DIR), on a clock the test moves. */
async function setup(recordings: Partial<AppConfig["recordings"]>): Promise<Setup> {
  const config = testConfig({ dataDir: mkdtempSync(join(tmpdir(), "orbis-data-")), recordings: { ...testConfig().recordings, ...recordings } });
  const clock = { at: Date.now() };
  const t = await buildTestApp(config, { now: () => new Date(clock.at) });
  const store = createRecordingStore(config.recordings, { dataDir: config.dataDir, encryptionKey: config.encryptionKey });
  return { t, config, store, clock };
}

async function seedCall(s: Setup, account: Account, recordingPath: string | null, id = createId("call")): Promise<string> {
  const agentId = (await s.t.app.inject({ method: "POST", url: "/v1/agents", headers: bearer(account.token), payload: validAgent })).json().id;
  const at = new Date(s.clock.at - 60_000);
  await tenantScope(s.t.db, account.workspaceId).calls.insert({
    id,
    agentId,
    channel: "web",
    status: "completed",
    startedAt: at,
    endedAt: at,
    durationSec: 2,
    endReason: "caller_hangup",
    recordingPath,
    metadata: {},
  });
  return id;
}

/** Path and query of an absolute URL, for `inject`. */
const local = (url: string) => {
  const u = new URL(url);
  return u.pathname + u.search;
};

describe("recordings on the local store, encrypted at rest (aes-gcm), served through signed api links", () => {
  let s: Setup;
  let a: Account;
  let b: Account;
  let callId: string;
  let wav: Buffer;
  let location: string;
  beforeAll(async () => {
    s = await setup({ store: "local", encryption: "aes-gcm", urlTtlSec: 300 });
    a = await signup(s.t.app, "rec-a");
    b = await signup(s.t.app, "rec-b");
    callId = createId("call");
    ({ location, wav } = await writeRecording(s.store, `${a.workspaceId}/${callId}.wav`));
    await seedCall(s, a, location, callId);
  });
  afterAll(() => s.t.close());

  it("keeps the file encrypted on disk", () => {
    expect(location.startsWith(join(s.config.dataDir, "recordings"))).toBe(true);
    expect(readFileSync(location).includes(Buffer.from("RIFF"))).toBe(false);
  });

  it("redirects the dashboard's player to a signed link that serves the decrypted WAV without credentials", async () => {
    const res = await s.t.app.inject({ url: `/v1/calls/${callId}/recording`, headers: bearer(a.token) });
    expect(res.statusCode).toBe(302);
    expect(res.headers["cache-control"]).toBe("no-store");
    const url = String(res.headers.location);
    expect(url).toMatch(/^http:\/\/localhost(:\d+)?\/v1\/recordings\/download\?token=[\w-]+\.[\w-]+$/);
    const download = await s.t.app.inject({ url: local(url) });
    expect(download.statusCode).toBe(200);
    expect(download.headers["content-type"]).toBe("audio/wav");
    expect(Number(download.headers["content-length"])).toBe(wav.length);
    expect(download.rawPayload.equals(wav)).toBe(true);
  });

  it("answers the URL and its expiry as JSON, and the link stops working when it expires", async () => {
    const res = await s.t.app.inject({ url: `/v1/calls/${callId}/recording-url`, headers: bearer(a.token) });
    expect(res.statusCode).toBe(200);
    const { url, expiresAt } = res.json() as { url: string; expiresAt: string };
    expect(Date.parse(expiresAt) - s.clock.at).toBeGreaterThan(299_000);
    expect(Date.parse(expiresAt) - s.clock.at).toBeLessThanOrEqual(300_000);
    s.clock.at += 290_000;
    expect((await s.t.app.inject({ url: local(url) })).statusCode).toBe(200);
    s.clock.at += 11_000;
    const expired = await s.t.app.inject({ url: local(url) });
    expect(expired.statusCode).toBe(403);
    expect(expired.json().error.code).toBe("forbidden");
  });

  it("refuses a tampered or made-up token (404) and names no recording", async () => {
    const { url } = (await s.t.app.inject({ url: `/v1/calls/${callId}/recording-url`, headers: bearer(a.token) })).json() as { url: string };
    const token = new URL(url).searchParams.get("token")!;
    const [payload, signature] = token.split(".") as [string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { w: string; c: string; e: number };
    const forged = [
      // Another workspace named in the payload, the signature kept.
      `${Buffer.from(JSON.stringify({ ...claims, w: b.workspaceId })).toString("base64url")}.${signature}`,
      // A later expiry, the signature kept.
      `${Buffer.from(JSON.stringify({ ...claims, e: claims.e + 3600 })).toString("base64url")}.${signature}`,
      `${payload}.${signature.slice(0, -2)}${signature.endsWith("AA") ? "BB" : "AA"}`,
      `${payload}.`,
      "a.b",
    ];
    for (const bad of forged) {
      const res = await s.t.app.inject({ url: `/v1/recordings/download?token=${encodeURIComponent(bad)}` });
      expect([404, 422]).toContain(res.statusCode);
      expect(res.headers["content-type"]).toMatch(/json/);
    }
    expect((await s.t.app.inject({ url: `/v1/recordings/download?token=${token}` })).statusCode).toBe(200);
  });

  it("is not found for another workspace, for a call without a recording, and once the recording is deleted", async () => {
    for (const path of ["recording", "recording-url"]) {
      expect((await s.t.app.inject({ url: `/v1/calls/${callId}/${path}`, headers: bearer(b.token) })).statusCode).toBe(404);
    }
    const bare = await seedCall(s, a, null);
    expect((await s.t.app.inject({ url: `/v1/calls/${bare}/recording`, headers: bearer(a.token) })).statusCode).toBe(404);
    expect((await s.t.app.inject({ url: `/v1/calls/${callId}/recording` })).statusCode).toBe(401);

    // A link signed before the recording was erased does not serve it.
    const { url } = (await s.t.app.inject({ url: `/v1/calls/${callId}/recording-url`, headers: bearer(a.token) })).json() as { url: string };
    await s.store.remove(location);
    expect((await s.t.app.inject({ url: local(url) })).statusCode).toBe(404);
  });
});

describe("recordings in an S3 bucket", () => {
  let s3: S3Emulator;
  beforeAll(async () => {
    s3 = await startS3Emulator();
  });
  afterAll(() => s3?.close());
  const bucket = () => ({ bucket: s3.bucket, region: "us-east-1", endpoint: s3.endpoint, ...s3.credentials, prefix: "rec/" });

  it("redirects to a presigned GET of the bucket (the api never streams it)", async () => {
    const s = await setup({ store: "s3", encryption: "sse-s3", urlTtlSec: 60, s3: bucket() });
    try {
      const a = await signup(s.t.app, "rec-s3");
      const callId = createId("call");
      const { location, wav } = await writeRecording(s.store, `${a.workspaceId}/${callId}.wav`);
      await seedCall(s, a, location, callId);
      const res = await s.t.app.inject({ url: `/v1/calls/${callId}/recording`, headers: bearer(a.token) });
      expect(res.statusCode).toBe(302);
      const url = String(res.headers.location);
      expect(url.startsWith(`${s3.endpoint}/${s3.bucket}/rec/${a.workspaceId}/${callId}.wav?`)).toBe(true);
      expect(new URL(url).searchParams.get("X-Amz-Expires")).toBe("60");
      const fetched = await fetch(url);
      expect(fetched.status).toBe(200);
      expect(Buffer.from(await fetched.arrayBuffer()).equals(wav)).toBe(true);
      const other = await signup(s.t.app, "rec-s3-other");
      expect((await s.t.app.inject({ url: `/v1/calls/${callId}/recording`, headers: bearer(other.token) })).statusCode).toBe(404);
    } finally {
      await s.t.close();
    }
  });

  it("with aes-gcm keeps ciphertext in the bucket and serves the WAV through the api's signed link", async () => {
    const s = await setup({ store: "s3", encryption: "aes-gcm", s3: bucket() });
    try {
      const a = await signup(s.t.app, "rec-s3-gcm");
      const callId = createId("call");
      const { location, wav } = await writeRecording(s.store, `${a.workspaceId}/${callId}.wav`);
      await seedCall(s, a, location, callId);
      const res = await s.t.app.inject({ url: `/v1/calls/${callId}/recording`, headers: bearer(a.token) });
      expect(res.statusCode).toBe(302);
      const url = String(res.headers.location);
      expect(url).toMatch(/\/v1\/recordings\/download\?token=/);
      const download = await s.t.app.inject({ url: local(url) });
      expect(download.statusCode).toBe(200);
      expect(download.rawPayload.equals(wav)).toBe(true);
      // Nothing was spooled to stay behind on this process's disk.
      expect(readdirSync(join(s.config.dataDir, "recordings-spool"))).toEqual([]);
    } finally {
      await s.t.close();
    }
  });
});
