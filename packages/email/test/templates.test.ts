import { describe, expect, it } from "vitest";
import { messageIdOf, renderEmail, signUnsubscribe, verifyUnsubscribe, type EmailTemplate } from "../src/index.ts";

const unsub = "https://voice.example.com/v1/email/unsubscribe?token=tok123";
const appointment = {
  workspaceName: "Riverside Dental",
  serviceName: "Cleaning",
  start: "2031-03-04T08:30:00.000Z",
  end: "2031-03-04T09:00:00.000Z",
  timezone: "Europe/Paris",
  customerName: "Ann Lee",
  customerPhone: "+15551234567",
  customerEmail: "ann@example.com",
};

const optional: EmailTemplate[] = [
  {
    template: "message_taken",
    data: {
      workspaceName: "Riverside Dental",
      callerName: "Ann Lee",
      callbackNumber: "+15551234567",
      text: "About my crown",
      urgency: "high",
      url: "https://voice.example.com/app/messages",
      unsubscribeUrl: unsub,
    },
  },
  { template: "appointment_booked", data: { ...appointment, url: "https://voice.example.com/app/appointments", unsubscribeUrl: unsub } },
  {
    template: "appointment_cancelled",
    data: { ...appointment, reason: "Feeling better", url: "https://voice.example.com/app/appointments", unsubscribeUrl: unsub },
  },
  {
    template: "daily_summary",
    data: {
      workspaceName: "Riverside Dental",
      date: "2031-03-03",
      calls: 12,
      bookings: 3,
      messages: 2,
      url: "https://voice.example.com/app",
      unsubscribeUrl: unsub,
    },
  },
  {
    template: "webhook_disabled",
    data: {
      workspaceName: "Riverside Dental",
      endpointUrl: "https://hooks.example.com/x",
      reason: "10 failures",
      url: "https://voice.example.com/app/webhooks",
      unsubscribeUrl: unsub,
    },
  },
];
const transactional: EmailTemplate[] = [
  { template: "verify_email", data: { name: "Ann", url: "https://voice.example.com/verify-email?token=vvv" } },
  { template: "password_reset", data: { name: "Ann", url: "https://voice.example.com/reset-password?token=rrr" } },
  { template: "invitation", data: { workspaceName: "Riverside Dental", inviterName: "Bob", role: "staff", url: "https://voice.example.com/invite?token=iii" } },
  { template: "appointment_booked_caller", data: appointment },
  { template: "appointment_cancelled_caller", data: { ...appointment, reason: null } },
];

describe("email templates", () => {
  it.each(optional)("$template renders HTML and text with the business, its link and a one-click unsubscribe link", async (email) => {
    const r = await renderEmail(email);
    expect(r.subject).toContain("Riverside Dental");
    expect(r.html).toMatch(/^<!DOCTYPE html/);
    for (const body of [r.html, r.text]) {
      expect(body).toContain("OrbisVoice");
      expect(body).toContain("Riverside Dental");
      expect(body).toContain("tok123");
      expect(body).toContain((email.data as { url: string }).url);
    }
    expect(r.text).toMatch(/Unsubscribe/);
    expect(r.text).not.toMatch(/<[a-z]/i);
  });

  it.each(transactional)("$template has its link and no unsubscribe link", async (email) => {
    const r = await renderEmail(email);
    expect(r.html).toContain("OrbisVoice");
    if ("url" in email.data) {
      expect(r.html).toContain(email.data.url);
      expect(r.text).toContain(email.data.url);
    }
    expect(r.html).not.toMatch(/unsubscribe/i);
    expect(r.text).not.toMatch(/unsubscribe/i);
  });

  it("shows appointment times in the business's time zone and the message's content", async () => {
    const booked = await renderEmail(optional[1]!);
    expect(booked.text).toContain("09:30"); // 08:30 UTC is 09:30 in Paris in March (UTC+1)
    expect(booked.text).toContain("Europe/Paris");
    expect(booked.text).toContain("Ann Lee");
    const message = await renderEmail(optional[0]!);
    expect(message.subject).toBe("Urgent: New message from Ann Lee — Riverside Dental");
    expect(message.text).toContain("About my crown");
    expect(message.text).toContain("+15551234567");
  });

  it("escapes what callers say", async () => {
    const r = await renderEmail({ ...optional[0]!, data: { ...(optional[0]!.data as object), text: "<script>alert(1)</script>" } } as EmailTemplate);
    expect(r.html).not.toContain("<script>alert(1)</script>");
    expect(r.html).toContain("&lt;script&gt;");
  });
});

describe("unsubscribe tokens and message ids", () => {
  it("round-trips a signed token and refuses a forged or altered one", () => {
    const claims = { userId: "usr_abcdefgh12", kind: "messageTaken" as const, workspaceId: "ws_abcdefgh12" };
    const token = signUnsubscribe("secret-1", claims);
    expect(verifyUnsubscribe("secret-1", token)).toEqual(claims);
    expect(verifyUnsubscribe("secret-2", token)).toBeUndefined();
    const other = signUnsubscribe("secret-1", { ...claims, userId: "usr_zzzzzzzz99" });
    expect(verifyUnsubscribe("secret-1", `${other.split(".")[0]}.${token.split(".")[1]}`)).toBeUndefined();
    expect(verifyUnsubscribe("secret-1", "garbage")).toBeUndefined();
  });

  it("derives a stable Message-ID from the email id and the sender's domain", () => {
    expect(messageIdOf("eml_abc123def4", "OrbisVoice <no-reply@voice.example.com>")).toBe("<eml_abc123def4@voice.example.com>");
    expect(messageIdOf("eml_abc123def4", "bare@example.org")).toBe("<eml_abc123def4@example.org>");
  });
});
