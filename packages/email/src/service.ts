import { createId } from "@orbis/contracts";
import { emailStore, type Database, type Executor } from "@orbis/db";
import { renderEmail, type EmailTemplate } from "./templates.tsx";
import { createTransport, type EmailTransport, type TransportLog } from "./transport.ts";

/** The job that sends one email row (`{ emailId }`). */
export const EMAIL_SEND_QUEUE = "email.send";

/** An email to send: a template with its data, the recipient, and what makes it unique. */
export type EmailMessage = EmailTemplate & {
  to: string;
  /** Same key, same email: a second send or draft with it writes nothing and answers the first row. */
  idempotencyKey: string;
  /** The workspace the email is about; null for a user's own mail (verify address, password reset). */
  workspaceId: string | null;
  userId: string | null;
};

export interface EmailServiceDeps {
  db: Database;
  /** The job queue `send` enqueues `email.send` on; without one the worker's sweep finds the row. */
  jobs?: { send(name: string, data: object): Promise<unknown> } | undefined;
  /** `From:` of every email (`EMAIL_FROM`). */
  from: string;
  /** SMTP when set (`SMTP_URL`); the dev outbox otherwise. Ignored when `transport` is given. */
  smtpUrl?: string | undefined;
  transport?: EmailTransport;
  log?: TransportLog & { warn(obj: object, msg?: string): void };
  /** How long one sender holds a row (seconds, default 60: the job's expiry). */
  leaseSec?: number;
}

export type DeliveryResult = "sent" | "outbox" | "skipped";

/** `<eml_…@example.com>`: the Message-ID of an email, derived from its id and the sender's domain. */
export function messageIdOf(emailId: string, from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain =
    address
      .split("@")[1]
      ?.trim()
      .replace(/[^A-Za-z0-9.-]/g, "") || "orbisvoice.local";
  return `<${emailId}@${domain}>`;
}

/**
 * Email: render a template, store the row (idempotently), enqueue its job; the job calls `deliver`,
 * which sends a row at most once at a time and never again once it is sent.
 */
export function createEmailService(deps: EmailServiceDeps) {
  const transport = deps.transport ?? createTransport(deps.smtpUrl, deps.log);
  const leaseSec = deps.leaseSec ?? 60;

  async function insert(on: Executor, message: EmailMessage) {
    const rendered = await renderEmail(message);
    return emailStore(on).insert({
      id: createId("email"),
      workspaceId: message.workspaceId,
      userId: message.userId,
      template: message.template,
      toAddress: message.to,
      subject: rendered.subject,
      html: rendered.html,
      text: rendered.text,
      idempotencyKey: message.idempotencyKey,
    });
  }

  return {
    /** Whether mail only goes to the dev outbox (no SMTP server configured). */
    usesOutbox: transport.kind === "outbox",

    /** Renders, stores and enqueues the email; answers its id (the first row's, for a repeated key). */
    async send(message: EmailMessage): Promise<{ id: string; created: boolean }> {
      const row = await insert(deps.db.system, message);
      if (row.created && deps.jobs) await deps.jobs.send(EMAIL_SEND_QUEUE, { emailId: row.id });
      return row;
    },

    /**
     * Renders and stores the email on an open system transaction (the event relay's): the row exists
     * if and only if the transaction commits. The caller enqueues `email.send { emailId }` after the commit.
     */
    async draft(tx: Executor, message: EmailMessage): Promise<string> {
      return (await insert(tx, message)).id;
    },

    /**
     * Sends one stored email: claims the row (a lease, so two workers never send it at once), sends
     * it, marks it `sent` with the server's message id (`outbox` without SMTP). A failure is recorded
     * on the row (attempts, error) and thrown, so the job retries; with `final` (the job's last try)
     * the row becomes `failed`. A row already sent, failed, or held by another sender is skipped.
     */
    async deliver(emailId: string, options: { final?: boolean } = {}): Promise<DeliveryResult> {
      const store = emailStore(deps.db.system);
      const row = await store.claim(emailId, leaseSec);
      if (!row) return "skipped";
      const messageId = messageIdOf(row.id, deps.from);
      try {
        const sent = await transport.send({ from: deps.from, to: row.toAddress, subject: row.subject, html: row.html, text: row.text, messageId });
        await store.markSent(row.id, transport.kind === "smtp" ? "sent" : "outbox", sent.messageId);
        return transport.kind === "smtp" ? "sent" : "outbox";
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await store.markFailed(row.id, message, options.final ?? false);
        deps.log?.warn({ emailId: row.id, attempt: row.attempts, err: message }, "email send failed");
        throw error;
      }
    },

    close: () => transport.close(),
  };
}
export type EmailService = ReturnType<typeof createEmailService>;
