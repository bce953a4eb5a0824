import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { testConfig } from "@orbis/config";
import { tenantScope } from "@orbis/db";
import { createRecordingStore } from "@orbis/recordings";
import { startS3Emulator, type S3Emulator } from "../../packages/recordings/test/s3-emulator.ts";
import { createTenant, startGateway, WIDGET_ORIGIN, type GatewayHarness } from "./harness.ts";

let s3: S3Emulator;
let h: GatewayHarness;
let dataDir: string;
beforeAll(async () => {
  s3 = await startS3Emulator();
  dataDir = mkdtempSync(join(tmpdir(), "orbis-data-"));
  const s3Settings = { bucket: s3.bucket, region: "us-east-1", endpoint: s3.endpoint, ...s3.credentials, prefix: "calls/" };
  h = await startGateway({ config: { dataDir, recordings: { ...testConfig().recordings, store: "s3", encryption: "sse-s3", s3: s3Settings } } });
});
afterAll(async () => {
  await h?.close();
  await s3?.close();
});

/** One typed call with a second of caller audio (a tone on the left channel); resolves with the call id once the socket closes. */
function typedCallWithAudio(query: string): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${h.wsUrl}?${query}`, { origin: WIDGET_ORIGIN });
    let callId = "";
    let frames = 0;
    ws.on("open", () => ws.send(JSON.stringify({ type: "start" })));
    ws.on("message", (d, bin) => {
      if (bin) return;
      const m = JSON.parse(d.toString());
      if (m.type !== "ready") return;
      callId = m.callId;
      ws.send(JSON.stringify({ type: "text", text: "What are your opening hours?" }));
      const timer = setInterval(() => {
        const pcm = new Int16Array(320).map((_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * (frames * 320 + i)) / 16000)));
        ws.send(Buffer.from(pcm.buffer));
        if (++frames === 50) {
          clearInterval(timer);
          ws.send(JSON.stringify({ type: "end" }));
        }
      }, 5);
    });
    ws.on("close", () => resolve(callId));
  });
}

describe("a recorded call with RECORDINGS_STORE=s3", () => {
  it("uploads the WAV to the bucket when the call ends, and the api serves it through a presigned URL", { timeout: 30_000 }, async () => {
    const t = await createTenant(h, { recordCalls: true });
    const callId = await typedCallWithAudio(`agentId=${t.agentId}&apiKey=${t.publishableKey}`);
    expect(callId).toMatch(/^call_/);

    const call = await tenantScope(h.db, t.workspaceId).calls.get(callId);
    const key = `calls/${t.workspaceId}/${callId}.wav`;
    expect(call?.recordingPath).toBe(`s3://${s3.bucket}/${key}`);
    // The object is in the bucket, and nothing is left on the gateway's disk.
    const bucketOnly = createRecordingStore(
      { store: "s3", encryption: "none", s3: { bucket: s3.bucket, region: "us-east-1", endpoint: s3.endpoint, ...s3.credentials, prefix: "calls/" } },
      { dataDir: mkdtempSync(join(tmpdir(), "orbis-reader-")) },
    );
    const stored = await bucketOnly.read(call!.recordingPath!);
    const object = Buffer.concat((await stored!.body.toArray()) as Buffer[]);
    expect(object.toString("ascii", 0, 4)).toBe("RIFF");
    expect(object.readUInt32LE(40)).toBe(50 * 320 * 4);
    expect(readdirSync(join(dataDir, "recordings-spool"))).toEqual([]);
    expect(existsSync(join(dataDir, "recordings"))).toBe(false);

    const auth = { authorization: `Bearer ${t.token}` };
    const detail = await h.app.inject({ url: `/v1/calls/${callId}`, headers: auth });
    const redirect = await h.app.inject({ url: detail.json().recordingUrl, headers: auth });
    expect(redirect.statusCode).toBe(302);
    const url = String(redirect.headers.location);
    expect(url.startsWith(`${s3.endpoint}/${s3.bucket}/${key}?`)).toBe(true);
    const fetched = await fetch(url);
    expect(fetched.status).toBe(200);
    const wav = Buffer.from(await fetched.arrayBuffer());
    expect(wav.equals(object)).toBe(true);
    let callerEnergy = 0;
    for (let i = 44; i < wav.length; i += 4) callerEnergy += Math.abs(wav.readInt16LE(i));
    expect(callerEnergy / (50 * 320)).toBeGreaterThan(1000);

    const other = await createTenant(h);
    expect((await h.app.inject({ url: `/v1/calls/${callId}/recording`, headers: { authorization: `Bearer ${other.token}` } })).statusCode).toBe(404);
  });
});
