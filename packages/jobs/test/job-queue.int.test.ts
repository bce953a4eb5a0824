import { createTestDatabase } from "@orbis/db/testing";
import type { Database } from "@orbis/db";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobQueue, type JobQueue } from "../src/index.ts";

let db: Database;
let queue: JobQueue;
const metrics = new Registry();

beforeAll(async () => {
  db = await createTestDatabase();
  queue = createJobQueue({ connection: db.jobs, metrics, pollingIntervalSec: 0.5, maintenanceIntervalSec: 1 });
  await queue.start();
});
afterAll(async () => {
  await queue?.stop(2000);
  await db?.close();
});

async function until(check: () => boolean | Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function metricValue(name: string, queueName: string): Promise<number> {
  const metric = (await metrics.getMetricsAsJSON()).find((m) => m.name === name);
  return Number(metric?.values.find((v) => v.labels.queue === queueName)?.value ?? 0);
}

describe("job queue (pg-boss)", () => {
  it("runs a job with its data, once, and counts it", async () => {
    const seen: { value: number; retryCount: number }[] = [];
    await queue.define({ name: "t.once" });
    await queue.work<{ value: number }>("t.once", async (job) => {
      seen.push({ value: job.data.value, retryCount: job.retryCount });
    });
    await queue.send("t.once", { value: 42 });
    await until(() => seen.length === 1);
    await new Promise((r) => setTimeout(r, 1200));
    expect(seen).toEqual([{ value: 42, retryCount: 0 }]);
    expect(await metricValue("orbis_jobs_completed_total", "t.once")).toBe(1);
  });

  it("retries a job whose handler throws, and counts the failure", async () => {
    const runs: number[] = [];
    await queue.define({ name: "t.retry", retryLimit: 2, retryDelaySec: 1, retryBackoff: false });
    await queue.work("t.retry", async (job) => {
      runs.push(job.retryCount);
      if (job.retryCount === 0) throw new Error("smtp down");
    });
    await queue.send("t.retry", {});
    await until(() => runs.length === 2);
    expect(runs).toEqual([0, 1]);
    expect(await metricValue("orbis_jobs_failed_total", "t.retry")).toBe(1);
    await until(async () => (await queue.counts("t.retry")).completed === 1);
  });

  it("gives up after the retry limit and leaves the job failed", async () => {
    await queue.define({ name: "t.fail", retryLimit: 1, retryDelaySec: 1, retryBackoff: false });
    let runs = 0;
    await queue.work("t.fail", async () => {
      runs++;
      throw new Error("always");
    });
    await queue.send("t.fail", {});
    await until(async () => (await queue.counts("t.fail")).failed === 1);
    expect(runs).toBe(2);
  });

  it("delays a job sent with startAfter", async () => {
    await queue.define({ name: "t.later" });
    let ranAt = 0;
    await queue.work("t.later", async () => {
      ranAt = Date.now();
    });
    const sentAt = Date.now();
    await queue.send("t.later", {}, { startAfter: new Date(sentAt + 1500) });
    await until(() => ranAt > 0);
    expect(ranAt - sentAt).toBeGreaterThanOrEqual(1400);
  });

  it("runs again a job whose worker stopped answering (expired), as after a crash", async () => {
    await queue.define({ name: "t.expire", expireInSeconds: 1, retryLimit: 2, retryDelaySec: 1, retryBackoff: false });
    const runs: number[] = [];
    await queue.work("t.expire", async (job) => {
      runs.push(job.retryCount);
      // The first run hangs as a killed process would; pg-boss expires it and hands it out again.
      if (job.retryCount === 0) await new Promise(() => undefined);
    });
    await queue.send("t.expire", {});
    await until(() => runs.length >= 2, 20_000);
    expect(runs.slice(0, 2)).toEqual([0, 1]);
  });
});
