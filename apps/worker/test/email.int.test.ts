import { createId } from "@orbis/contracts";
import { emailStore, systemRepository, tenantScope, userEmailRepository, type Database } from "@orbis/db";
import { createTestDatabase } from "@orbis/db/testing";
import { createEmailService, type EmailService } from "@orbis/email";
import { createJobQueue, type JobQueue } from "@orbis/jobs";
import { simpleParser, type ParsedMail } from "mailparser";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailConsumer } from "../src/email/index.ts";
import { startWorker } from "../src/worker.ts";

/** An SMTP sink on 127.0.0.1: keeps every accepted message; `rejectNext` refuses that many first (451). */
function smtpSink() {
  const received: ParsedMail[] = [];
  const state = { rejectNext: 0, refused: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (state.rejectNext > 0) {
          state.rejectNext--;
          state.refused++;
          const error = Object.assign(new Error("try again later"), { responseCode: 451 });
          callback(error);
          return;
        }
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push(mail);
          callback();
        }, callback);
      });
    },
  });
  return {
    received,
    state,
    async start(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      return `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const FROM = "OrbisVoice <no-reply@voice.example.com>";
let db: Database;
let queue: JobQueue;
let email: EmailService;
let worker: Awaited<ReturnType<typeof startWorker>>;
const sink = smtpSink();

beforeAll(async () => {
  db = await createTestDatabase();
  const smtpUrl = await sink.start();
  email = createEmailService({ db, from: FROM, smtpUrl });
  queue = createJobQueue({ connection: db.jobs, pollingIntervalSec: 0.5 });
  const consumer = emailConsumer({
    db,
    email,
    publicBaseUrl: "https://voice.example.com",
    unsubscribeSecret: "unsubscribe-secret",
    retry: { limit: 3, delaySec: 1 },
  });
  worker = await startWorker({ db, queue, consumers: [consumer], relayPollMs: 200 });
});
afterAll(async () => {
  await worker?.stop();
  email?.close();
  await sink.close();
  await db?.close();
});

async function until<T>(fn: () => T | undefined | false, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
}

let n = 0;
/** A workspace with an owner, an admin, an admin who switched message emails off, and a staff member. */
async function business(name: string) {
  const sys = systemRepository(db.system);
  const workspaceId = createId("workspace");
  await sys.insertWorkspace({ id: workspaceId, name, slug: workspaceId });
  const people: Record<string, { id: string; email: string }> = {};
  for (const role of ["owner", "admin", "quiet", "staff"] as const) {
    const id = createId("user");
    const address = `${role}-${n++}-${Date.now()}@example.com`;
    await sys.insertUser({ id, email: address, name: role, passwordHash: "x" });
    await sys.insertMembership({ id: createId("membership"), workspaceId, userId: id, role: role === "quiet" ? "admin" : role });
    people[role] = { id, email: address };
  }
  await userEmailRepository(db.system).updateNotificationPrefs(people.quiet!.id, { messageTaken: false });
  return { workspaceId, people: people as Record<"owner" | "admin" | "quiet" | "staff", { id: string; email: string }> };
}
const to = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address;

describe("emails caused by domain events, through a real SMTP server", () => {
  it("message taken: owners and admins who did not opt out get it, with From/To/Subject/Message-ID and the content", async () => {
    const { workspaceId, people } = await business("Riverside Dental");
    await tenantScope(db, workspaceId).transaction((t) =>
      t.events.record("message.taken", {
        messageId: createId("message"),
        agentId: null,
        callId: null,
        callerName: "Ann Lee",
        callbackNumber: "+15551234567",
        text: "Please call me about my crown",
        urgency: "high",
      }),
    );
    const mails = await until(() => {
      const m = sink.received.filter((r) => r.subject?.includes("Riverside Dental"));
      return m.length >= 2 && m;
    });
    await new Promise((r) => setTimeout(r, 500));
    const got = sink.received.filter((r) => r.subject?.includes("Riverside Dental"));
    expect(got.map(to).sort()).toEqual([people.owner.email, people.admin.email].sort());

    const rows = await tenantScope(db, workspaceId).emails.list();
    expect(rows).toHaveLength(2);
    for (const mail of mails) {
      expect(mail.from?.value[0]?.address).toBe("no-reply@voice.example.com");
      expect(mail.subject).toBe("Urgent: New message from Ann Lee — Riverside Dental");
      const row = rows.find((r) => r.toAddress === to(mail))!;
      expect(mail.messageId).toBe(`<${row.id}@voice.example.com>`);
      expect(row.status).toBe("sent");
      expect(row.messageId).toBe(mail.messageId);
      expect(mail.text).toContain("Please call me about my crown");
      expect(mail.text).toContain("+15551234567");
      expect(mail.html).toContain("https://voice.example.com/dashboard/messages");
      expect(mail.html).toContain("https://voice.example.com/v1/email/unsubscribe?token=");
    }
  });

  it("appointment booked: the business's owners and admins, and the caller at the address they gave", async () => {
    const { workspaceId, people } = await business("Harbor Clinic");
    await tenantScope(db, workspaceId).transaction((t) =>
      t.events.record("appointment.booked", {
        appointmentId: createId("appointment"),
        agentId: null,
        callId: null,
        serviceId: "Cleaning",
        staffId: null,
        start: "2031-03-04T08:30:00.000Z",
        end: "2031-03-04T09:00:00.000Z",
        timezone: "Europe/Paris",
        customerName: "Bo Chen",
        customerPhone: "+15557654321",
        customerEmail: "bo.chen@example.net",
        source: "agent",
      }),
    );
    const mails = await until(() => {
      const m = sink.received.filter((r) => r.subject?.includes("Harbor Clinic"));
      return m.length >= 4 && m;
    });
    // Appointments are on for the admin who switched message emails off.
    expect(mails.map(to).sort()).toEqual([people.owner.email, people.admin.email, people.quiet.email, "bo.chen@example.net"].sort());
    const business_ = mails.find((m) => to(m) === people.owner.email)!;
    expect(business_.subject).toBe("New booking: Bo Chen, Tuesday, 4 March 2031 at 09:30 (Europe/Paris) — Harbor Clinic");
    expect(business_.text).toContain("+15557654321");
    const caller = mails.find((m) => to(m) === "bo.chen@example.net")!;
    expect(caller.subject).toBe("Your appointment with Harbor Clinic is confirmed");
    expect(caller.text).toContain("09:30");
    expect(caller.html).not.toMatch(/unsubscribe/i);
    expect(mails.find((m) => to(m) === people.staff.email)).toBeUndefined();
  });

  it("a server that refuses first is retried, and the email is sent once", async () => {
    sink.state.rejectNext = 1;
    const refusedBefore = sink.state.refused;
    const key = `retry-${Date.now()}`;
    const { id } = await createEmailService({ db, from: FROM, jobs: queue, smtpUrl: "smtp://unused" }).send({
      template: "verify_email",
      data: { name: "Retry", url: "https://voice.example.com/verify-email?token=abc" },
      to: "retry@example.com",
      idempotencyKey: key,
      workspaceId: null,
      userId: null,
    });
    const mail = await until(() => sink.received.find((m) => to(m) === "retry@example.com"), 20_000);
    expect(sink.state.refused).toBe(refusedBefore + 1);
    expect(mail.messageId).toBe(`<${id}@voice.example.com>`);
    const row = await emailStore(db.system).get(id);
    expect(row?.status).toBe("sent");
    expect(row?.attempts).toBe(2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.received.filter((m) => to(m) === "retry@example.com")).toHaveLength(1);
  });

  it("deliver called twice sends once; the same idempotency key stores one row", async () => {
    const message = {
      template: "password_reset" as const,
      data: { name: "Twice", url: "https://voice.example.com/reset-password?token=abc" },
      to: "twice@example.com",
      idempotencyKey: `twice-${Date.now()}`,
      workspaceId: null,
      userId: null,
    };
    const first = await email.send(message);
    const second = await email.send(message);
    expect(second).toEqual({ id: first.id, created: false });
    const results = await Promise.all([email.deliver(first.id), email.deliver(first.id)]);
    expect(results.sort()).toEqual(["sent", "skipped"]);
    expect(await email.deliver(first.id)).toBe("skipped");
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.received.filter((m) => to(m) === "twice@example.com")).toHaveLength(1);
  });

  it("the sweep finds queued rows whose job was lost", async () => {
    const consumer = emailConsumer({ db, email, publicBaseUrl: "https://voice.example.com", unsubscribeSecret: "s" });
    const { id } = await email.send({
      template: "verify_email",
      data: { name: "Lost", url: "https://voice.example.com/verify-email?token=lost" },
      to: "lost@example.com",
      idempotencyKey: `lost-${Date.now()}`,
      workspaceId: null,
      userId: null,
    });
    expect((await consumer.sweep!(db)).map((j) => (j.data as { emailId: string }).emailId)).not.toContain(id);
    await db.system.execute(`update emails set created_at = now() - interval '10 minutes' where id = '${id}'` as never);
    expect(await consumer.sweep!(db)).toContainEqual({ queue: "email.send", data: { emailId: id } });
  });

  it("the daily summary goes, once, to the members who turned it on, with yesterday's numbers", async () => {
    const { workspaceId, people } = await business("Summit Physio");
    await userEmailRepository(db.system).updateNotificationPrefs(people.staff.id, { dailySummary: true });
    await tenantScope(db, workspaceId).messages.insert({ id: createId("message"), callerName: "Cy", callbackNumber: "+15550001111", text: "Hi" });
    // Run as if it were tomorrow morning: today's activity is "yesterday".
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    const consumer = emailConsumer({ db, email, publicBaseUrl: "https://voice.example.com", unsubscribeSecret: "s", now: () => tomorrow });
    const run = consumer.schedules![0]!.handler as unknown as () => Promise<void>;
    await run();
    await run();
    const rows = (await tenantScope(db, workspaceId).emails.list()).filter((r) => r.template === "daily_summary");
    expect(rows.map((r) => r.toAddress)).toEqual([people.staff.email]);
    expect(rows[0]!.subject).toBe(`Summit Physio: your day on ${new Date().toISOString().slice(0, 10)}`);
    expect(rows[0]!.text).toMatch(/1\s+messages/);
    expect(rows[0]!.text).toContain("unsubscribe?token=");
  });
});
