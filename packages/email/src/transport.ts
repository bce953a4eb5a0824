import nodemailer from "nodemailer";

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** The stable Message-ID header (`<eml_…@domain>`): a resend after a crash carries the same id. */
  messageId: string;
}

/**
 * Where mail goes: an SMTP server (`SMTP_URL`), or the dev outbox, which sends nothing: the row stays
 * readable in the dashboard's Outbox page, and one log line says so.
 */
export interface EmailTransport {
  readonly kind: "smtp" | "outbox";
  /** Throws when the server refused or could not be reached (the job retries). */
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

export interface TransportLog {
  info(obj: object, msg?: string): void;
}

export function smtpTransport(smtpUrl: string): EmailTransport {
  const transporter = nodemailer.createTransport(smtpUrl);
  return {
    kind: "smtp",
    async send(mail) {
      const info = await transporter.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        html: mail.html,
        text: mail.text,
        messageId: mail.messageId,
      });
      return { messageId: info.messageId || mail.messageId };
    },
    close: () => transporter.close(),
  };
}

export function outboxTransport(log?: TransportLog): EmailTransport {
  return {
    kind: "outbox",
    async send(mail) {
      log?.info({ to: mail.to, subject: mail.subject }, `email to ${mail.to} (dev outbox): ${mail.subject}`);
      return { messageId: mail.messageId };
    },
    close: () => undefined,
  };
}

/** SMTP when `smtpUrl` is set (smtp:// or smtps://), the dev outbox otherwise. */
export const createTransport = (smtpUrl: string | undefined, log?: TransportLog): EmailTransport => (smtpUrl ? smtpTransport(smtpUrl) : outboxTransport(log));
