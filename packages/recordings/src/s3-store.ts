import { createReadStream, mkdirSync } from "node:fs";
import { readdir, rm, stat } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { fileRecordingWriter } from "./file-writer.ts";
import { decrypted, plainSizeOf } from "./sealed.ts";
import type { RecordingStore, RecordingWriter } from "./store.ts";

/** Server-side encryption asked of the bucket (`sse-s3`, `sse-kms`), client-side sealing (`aes-gcm`), or none. */
export type RecordingEncryption = "none" | "sse-s3" | "sse-kms" | "aes-gcm";

interface S3StoreOptions {
  bucket: string;
  region: string;
  /** An S3-compatible service (MinIO, Ceph, R2…): its URL; addressed path-style (`<endpoint>/<bucket>/<key>`). */
  endpoint?: string;
  /** Unset: the SDK's default chain (environment, instance or pod role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** Prepended to every key, e.g. `recordings/`. */
  prefix: string;
  encryption: RecordingEncryption;
  /** The KMS key of `sse-kms`; unset, the bucket's AWS-managed key. */
  kmsKeyId?: string;
  /** `ENCRYPTION_KEY`: seals recordings with `aes-gcm`, and opens sealed ones whatever `encryption` says. */
  encryptionKey?: Buffer;
  /** Where a recording is spooled while its call runs (it is uploaded when the call ends). */
  spoolDir: string;
}

/** Metadata marking an object sealed by the platform (`aes-gcm`): only the api can serve it. */
const SEALED_META = "orbis-encryption";

/** The S3 client of a store: path-style for a custom endpoint, checksums only where S3 requires them (S3-compatible services differ). */
export function s3ClientFor(options: Pick<S3StoreOptions, "region" | "endpoint" | "accessKeyId" | "secretAccessKey">): S3Client {
  return new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    ...(options.accessKeyId && options.secretAccessKey ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } } : {}),
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}

/**
 * Recordings in an S3-compatible bucket. While a call runs its audio is written to a local spool
 * file exactly as the local store writes (off the frame path, sealed when `aes-gcm`); when the call
 * ends the finished file is uploaded in one PutObject and the spool file deleted. A location is
 * `s3://<bucket>/<key>`; locations of another bucket or outside the prefix are not this store's.
 */
export function s3RecordingStore(options: S3StoreOptions, client: S3Client = s3ClientFor(options)): RecordingStore {
  const { bucket, prefix, encryption } = options;
  const key = options.encryptionKey;
  if (encryption === "aes-gcm" && key?.length !== 32) throw new Error("RECORDINGS_ENCRYPTION=aes-gcm needs ENCRYPTION_KEY (32 bytes)");
  mkdirSync(options.spoolDir, { recursive: true });
  void sweepSpool(options.spoolDir);
  const locationOf = (objectKey: string) => `s3://${bucket}/${objectKey}`;
  /** The object key and the recording key (what sealed segments are bound to) of one of our locations. */
  const parse = (location: string) => {
    const head = `s3://${bucket}/${prefix}`;
    if (!location.startsWith(head)) return undefined;
    const recordingKey = location.slice(head.length);
    return recordingKey && !recordingKey.split("/").includes("..") ? { objectKey: prefix + recordingKey, recordingKey } : undefined;
  };
  const serverSide: Partial<PutObjectCommandInput> =
    encryption === "sse-s3"
      ? { ServerSideEncryption: "AES256" }
      : encryption === "sse-kms"
        ? { ServerSideEncryption: "aws:kms", ...(options.kmsKeyId ? { SSEKMSKeyId: options.kmsKeyId } : {}) }
        : {};

  return {
    mediaOrigins: encryption === "aes-gcm" ? [] : mediaOriginsOf(options),

    create(recordingKey: string): RecordingWriter {
      if (!recordingKey || recordingKey.startsWith("/") || recordingKey.split("/").includes("..")) {
        throw new Error(`recording key escapes the store: ${recordingKey}`);
      }
      const objectKey = prefix + recordingKey;
      const spool = join(options.spoolDir, `${randomUUID()}.part`);
      const sealed = encryption === "aes-gcm" && key ? { key, binding: recordingKey } : undefined;
      const file = fileRecordingWriter(spool, locationOf(objectKey), sealed);
      return {
        location: file.location,
        append: (bytes) => file.append(bytes),
        async finish(head) {
          try {
            await file.finish(head);
            const { size } = await stat(spool);
            await client.send(
              new PutObjectCommand({
                Bucket: bucket,
                Key: objectKey,
                Body: createReadStream(spool),
                ContentLength: size,
                ContentType: sealed ? "application/octet-stream" : "audio/wav",
                ...(sealed ? { Metadata: { [SEALED_META]: "aes-gcm-v1" } } : {}),
                ...serverSide,
              }),
            );
          } finally {
            await rm(spool, { force: true });
          }
        },
      };
    },

    async read(location) {
      const at = parse(location);
      if (!at) return undefined;
      const object = await client.send(new GetObjectCommand({ Bucket: bucket, Key: at.objectKey })).catch((error: unknown) => {
        if (isMissing(error)) return undefined;
        throw error;
      });
      if (!object?.Body) return undefined;
      const body = object.Body as Readable;
      const size = object.ContentLength ?? 0;
      if (object.Metadata?.[SEALED_META] === undefined) return { body, size };
      if (!key) throw new Error("recording is encrypted at rest and ENCRYPTION_KEY is not set");
      return { body: decrypted(body, key, at.recordingKey), size: plainSizeOf(size) };
    },

    async remove(location) {
      const at = parse(location);
      if (at) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: at.objectKey }));
    },

    async directUrl(location, ttlSec) {
      // A sealed object is ciphertext to anyone but the platform: the api decrypts and serves it.
      if (encryption === "aes-gcm") return undefined;
      const at = parse(location);
      if (!at) return undefined;
      // Objects sealed before the setting changed still need the api; a missing one gets the api's 404.
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: at.objectKey })).catch((error: unknown) => {
        if (isMissing(error)) return undefined;
        throw error;
      });
      if (!head || head.Metadata?.[SEALED_META] !== undefined) return undefined;
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: at.objectKey, ResponseContentType: "audio/wav" }), { expiresIn: ttlSec });
    },
  };
}

/** A spool file untouched this long belongs to a process that died mid-call: its call row names no recording, so it is deleted. */
const STALE_SPOOL_MS = 24 * 3600_000;

async function sweepSpool(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith(".part"))) {
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > STALE_SPOOL_MS) await rm(path, { force: true }).catch(() => undefined);
  }
}

function isMissing(error: unknown): boolean {
  if (error instanceof NoSuchKey) return true;
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404;
}

/** Where presigned URLs point: the custom endpoint, or AWS's virtual-hosted and path-style hosts of the region. */
function mediaOriginsOf(options: Pick<S3StoreOptions, "bucket" | "region" | "endpoint">): string[] {
  if (options.endpoint) return [new URL(options.endpoint).origin];
  return [`https://${options.bucket}.s3.${options.region}.amazonaws.com`, `https://s3.${options.region}.amazonaws.com`];
}
