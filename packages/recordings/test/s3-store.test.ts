import { existsSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CallRecording,
  createRecordingStore,
  localRecordingStore,
  s3ClientFor,
  s3RecordingStore,
  type RecordingEncryption,
  type RecordingStore,
} from "../src/index.ts";
import { startS3Emulator, type S3Emulator } from "./s3-emulator.ts";

const KEY = Buffer.alloc(32, 5);
const frame = (value: number) => new Int16Array(320).fill(value);
const bytesOf = async (body: Readable) => Buffer.concat((await body.toArray()) as Buffer[]);

let s3: S3Emulator;
beforeAll(async () => {
  s3 = await startS3Emulator();
});
afterAll(async () => {
  await s3?.close();
});

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** An S3 store on the emulator, and every request its client sends (method, path, headers as signed). */
function storeOn(encryption: RecordingEncryption, extra: { kmsKeyId?: string; prefix?: string } = {}) {
  const options = {
    bucket: s3.bucket,
    region: "us-east-1",
    endpoint: s3.endpoint,
    ...s3.credentials,
    prefix: extra.prefix ?? "calls/",
    encryption,
    ...(extra.kmsKeyId ? { kmsKeyId: extra.kmsKeyId } : {}),
    encryptionKey: KEY,
    spoolDir: mkdtempSync(join(tmpdir(), "orbis-spool-")),
  };
  const client = s3ClientFor(options);
  const sent: Sent[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { method: string; path: string; headers: Record<string, string> };
      sent.push({ method: request.method, path: request.path, headers: { ...request.headers } });
      return next(args);
    },
    { step: "finalizeRequest", name: "recordRequests" },
  );
  return { store: s3RecordingStore(options, client), client, sent, spoolDir: options.spoolDir };
}

/** A call of `frames` caller frames with a few agent frames; the frames are all written before `close`. */
function startRecording(store: RecordingStore, key: string, frames: number) {
  const rec = new CallRecording(store, key);
  for (let i = 0; i < 3; i++) rec.agentFrame(frame(-50 - i));
  for (let i = 0; i < frames; i++) rec.callerFrame(frame((i % 500) + 1));
  return rec;
}

/** The same call through the local store: the bytes a recording must have. */
async function expectedWav(frames: number): Promise<Buffer> {
  const rec = startRecording(localRecordingStore(mkdtempSync(join(tmpdir(), "orbis-rec-"))), "ws/call.wav", frames);
  await rec.close();
  return readFileSync(rec.location);
}

describe("the S3 recording store (s3rver)", () => {
  it("uploads once when the call ends, reads it back byte for byte, serves a presigned URL and deletes it", async () => {
    const { store, sent, spoolDir } = storeOn("none");
    const rec = startRecording(store, "ws_1/call_a.wav", 300);
    // While the call runs nothing goes to the bucket: the audio is spooled locally.
    await new Promise((done) => setTimeout(done, 50));
    expect(sent).toEqual([]);
    await rec.close();
    expect(rec.location).toBe(`s3://${s3.bucket}/calls/ws_1/call_a.wav`);
    expect(sent.map((r) => `${r.method} ${r.path}`)).toEqual([`PUT /${s3.bucket}/calls/ws_1/call_a.wav`]);
    expect(readdirSync(spoolDir)).toEqual([]);

    const expected = await expectedWav(300);
    const read = await store.read(rec.location);
    expect(read?.size).toBe(expected.length);
    expect((await bytesOf(read!.body)).equals(expected)).toBe(true);

    const url = await store.directUrl!(rec.location, 60);
    expect(url).toMatch(new RegExp(`^${s3.endpoint}/${s3.bucket}/calls/ws_1/call_a\\.wav\\?.*X-Amz-Signature=`));
    const fetched = await fetch(url!);
    expect(fetched.status).toBe(200);
    expect(Buffer.from(await fetched.arrayBuffer()).equals(expected)).toBe(true);
    // s3rver checks a presigned URL's expiry (next test) but not its SigV4 signature; S3 and MinIO do.
    expect(new URL(url!).searchParams.get("X-Amz-Expires")).toBe("60");

    await store.remove(rec.location);
    expect(await store.read(rec.location)).toBeUndefined();
    expect(await store.directUrl!(rec.location, 60)).toBeUndefined();
    await store.remove(rec.location); // again: retention and erasure may run twice
  });

  it("gives presigned URLs that stop working when they expire", async () => {
    const { store } = storeOn("none");
    const rec = startRecording(store, "ws_1/call_exp.wav", 5);
    await rec.close();
    const url = await store.directUrl!(rec.location, 1);
    expect((await fetch(url!)).status).toBe(200);
    await new Promise((done) => setTimeout(done, 2100));
    expect((await fetch(url!)).status).toBe(403);
  });

  it("asks the bucket for server-side encryption: SSE-S3 and SSE-KMS headers on the upload", async () => {
    const sse = storeOn("sse-s3");
    const a = startRecording(sse.store, "ws_1/call_sse.wav", 5);
    await a.close();
    const put = sse.sent.find((r) => r.method === "PUT")!;
    expect(put.headers["x-amz-server-side-encryption"]).toBe("AES256");

    const kms = storeOn("sse-kms", { kmsKeyId: "arn:aws:kms:us-east-1:111122223333:key/test" });
    const b = startRecording(kms.store, "ws_1/call_kms.wav", 5);
    await b.close().catch(() => undefined); // the emulator has no KMS; what matters is what was asked
    const kmsPut = kms.sent.find((r) => r.method === "PUT")!;
    expect(kmsPut.headers["x-amz-server-side-encryption"]).toBe("aws:kms");
    expect(kmsPut.headers["x-amz-server-side-encryption-aws-kms-key-id"]).toBe("arn:aws:kms:us-east-1:111122223333:key/test");

    const none = storeOn("none");
    await startRecording(none.store, "ws_1/call_plain.wav", 5).close();
    expect(none.sent.find((r) => r.method === "PUT")!.headers["x-amz-server-side-encryption"]).toBeUndefined();
  });

  it("with aes-gcm uploads ciphertext, reads back the WAV, and gives no presigned URL (the api decrypts)", async () => {
    const { store, client } = storeOn("aes-gcm");
    const rec = startRecording(store, "ws_1/call_gcm.wav", 300);
    await rec.close();
    const raw = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: "calls/ws_1/call_gcm.wav" }));
    const atRest = Buffer.from(await raw.Body!.transformToByteArray());
    expect(atRest.includes(Buffer.from("RIFF"))).toBe(false);

    const expected = await expectedWav(300);
    const read = await store.read(rec.location);
    expect(read?.size).toBe(expected.length);
    expect((await bytesOf(read!.body)).equals(expected)).toBe(true);
    expect(await store.directUrl!(rec.location, 60)).toBeUndefined();

    // A store whose setting changed since still opens it, and still does not presign it.
    const { store: later } = storeOn("sse-s3");
    expect((await bytesOf((await later.read(rec.location))!.body)).equals(expected)).toBe(true);
    expect(await later.directUrl!(rec.location, 60)).toBeUndefined();
  });

  it("reads, presigns and deletes only its own bucket and prefix", async () => {
    const { store, sent } = storeOn("none");
    for (const foreign of [
      `s3://other-bucket/calls/ws_1/x.wav`,
      `s3://${s3.bucket}/elsewhere/ws_1/x.wav`,
      `s3://${s3.bucket}/calls/../x.wav`,
      "/var/lib/x.wav",
    ]) {
      expect(await store.read(foreign)).toBeUndefined();
      expect(await store.directUrl!(foreign, 60)).toBeUndefined();
      await store.remove(foreign);
    }
    expect(sent).toEqual([]);
    expect(() => store.create("../escape.wav")).toThrow(/escapes/);
  });

  it("deletes spool files a dead process left behind (untouched for a day), not those of live calls", async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), "orbis-spool-"));
    const stale = join(spoolDir, "old.part");
    const live = join(spoolDir, "live.part");
    writeFileSync(stale, "x");
    writeFileSync(live, "x");
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    utimesSync(stale, dayAgo, dayAgo);
    s3RecordingStore({ bucket: s3.bucket, region: "us-east-1", endpoint: s3.endpoint, ...s3.credentials, prefix: "", encryption: "none", spoolDir });
    await expect.poll(() => existsSync(stale)).toBe(false);
    await new Promise((done) => setTimeout(done, 100)); // the sweep has looked at every file by now
    expect(existsSync(live)).toBe(true);
  });

  it("is what createRecordingStore builds for RECORDINGS_STORE=s3", async () => {
    const store = createRecordingStore(
      { store: "s3", encryption: "none", s3: { bucket: s3.bucket, region: "us-east-1", endpoint: s3.endpoint, ...s3.credentials, prefix: "" } },
      { dataDir: mkdtempSync(join(tmpdir(), "orbis-data-")) },
    );
    const rec = startRecording(store, "ws_9/call_z.wav", 2);
    await rec.close();
    expect(rec.location).toBe(`s3://${s3.bucket}/ws_9/call_z.wav`);
    expect(store.mediaOrigins).toEqual([s3.endpoint]);
    expect((await store.read(rec.location))?.size).toBe(44 + 2 * 1280);
  });
});
