import type { Database } from "@orbis/db";
import type { JobQueue } from "@orbis/jobs";
import type { EventConsumer } from "./consumer.ts";
import { enqueue, startRelay, type Relay } from "./relay.ts";

export interface WorkerDeps {
  db: Database;
  queue: JobQueue;
  consumers: EventConsumer[];
  log?: { info(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  relayPollMs?: number;
}

const SWEEP_QUEUE = "worker.sweep";

/**
 * The worker role: defines every consumer's queues, runs their handlers, relays the outbox and keeps
 * the schedules. `orbis start --role worker` runs it alone; `--role all` runs it inside the one process.
 */
export async function startWorker(deps: WorkerDeps): Promise<{ relay: Relay; stop(): Promise<void> }> {
  const { queue, consumers } = deps;
  await queue.start();
  for (const consumer of consumers) {
    for (const q of consumer.queues) {
      await queue.define(q.definition);
      await queue.work(q.definition.name, q.handler);
    }
    for (const s of consumer.schedules ?? []) {
      await queue.define({ name: s.queue, retryLimit: 2, ...s.definition });
      await queue.work(s.queue, s.handler);
      await queue.schedule(s.queue, s.cron);
    }
  }
  const intervals: ReturnType<typeof setInterval>[] = [];
  for (const consumer of consumers) {
    for (const timer of consumer.timers ?? []) {
      await queue.define({ name: timer.queue, retryLimit: 0, expireInSeconds: 300 });
      await queue.work(timer.queue, timer.handler);
      const send = () =>
        void queue
          .send(timer.queue, {}, { singletonKey: timer.queue })
          .catch((error: unknown) => deps.log?.error({ err: error, queue: timer.queue }, "timer job not sent"));
      const interval = setInterval(send, timer.everySec * 1000);
      interval.unref?.();
      intervals.push(interval);
    }
  }
  await queue.define({ name: SWEEP_QUEUE, retryLimit: 0 });
  await queue.work(SWEEP_QUEUE, async () => {
    for (const consumer of consumers) if (consumer.sweep) await enqueue(queue, await consumer.sweep(deps.db));
  });
  await queue.schedule(SWEEP_QUEUE, "* * * * *");
  const relay = startRelay({
    db: deps.db,
    queue,
    consumers,
    ...(deps.relayPollMs ? { pollMs: deps.relayPollMs } : {}),
    onError: (error) => deps.log?.error({ err: error }, "event relay failed; retrying at the next pass"),
  });
  await relay.ready;
  deps.log?.info({ consumers: consumers.map((c) => c.name) }, "worker started");
  return {
    relay,
    async stop() {
      for (const interval of intervals) clearInterval(interval);
      await relay.stop();
      await queue.stop();
    },
  };
}
