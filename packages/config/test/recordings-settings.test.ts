import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/index.ts";

describe("recordings settings", () => {
  it("default to the local directory, unencrypted, with 5-minute links", () => {
    expect(loadConfig("all", {}).recordings).toEqual({ store: "local", encryption: "none", kmsKeyId: undefined, urlTtlSec: 300, s3: undefined });
  });

  it("read an S3-compatible bucket for every role (the gateway writes, the api serves, the worker deletes)", () => {
    const env = {
      RECORDINGS_STORE: "s3",
      RECORDINGS_ENCRYPTION: "sse-kms",
      RECORDING_URL_TTL_SEC: "120",
      S3_BUCKET: "calls",
      S3_REGION: "eu-west-1",
      S3_ENDPOINT: "http://minio:9000",
      S3_ACCESS_KEY_ID: "minio",
      S3_SECRET_ACCESS_KEY: "minio-secret",
      S3_PREFIX: "recordings/",
      S3_KMS_KEY_ID: "alias/orbis",
    };
    for (const role of ["api", "gateway", "worker"] as const) {
      expect(loadConfig(role, env).recordings).toEqual({
        store: "s3",
        encryption: "sse-kms",
        kmsKeyId: "alias/orbis",
        urlTtlSec: 120,
        s3: {
          bucket: "calls",
          region: "eu-west-1",
          endpoint: "http://minio:9000",
          accessKeyId: "minio",
          secretAccessKey: "minio-secret",
          prefix: "recordings/",
        },
      });
    }
  });

  it.each([
    [{ RECORDINGS_STORE: "s3" }, /RECORDINGS_STORE=s3 needs S3_BUCKET/],
    [{ RECORDINGS_ENCRYPTION: "sse-s3" }, /sse-s3 needs RECORDINGS_STORE=s3/],
    [{ RECORDINGS_STORE: "s3", S3_BUCKET: "b", S3_ACCESS_KEY_ID: "id" }, /set both or neither/],
    [{ RECORDINGS_STORE: "ftp" }, /RECORDINGS_STORE/],
    [{ RECORDINGS_ENCRYPTION: "rot13" }, /RECORDINGS_ENCRYPTION/],
    [{ RECORDING_URL_TTL_SEC: "0" }, /RECORDING_URL_TTL_SEC/],
    [{ S3_ENDPOINT: "minio:9000" }, /S3_ENDPOINT/],
  ])("refuse %j", (env, message) => {
    expect(() => loadConfig("all", env)).toThrow(message);
  });
});
