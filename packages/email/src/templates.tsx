import { Button, Link, Section, Text } from "@react-email/components";
import { render, toPlainText } from "@react-email/render";
import type { ReactElement, ReactNode } from "react";
import { Layout, buttonStyle, textStyle } from "./layout.tsx";

interface AppointmentData {
  workspaceName: string;
  serviceName: string;
  start: string;
  end: string;
  timezone: string;
  customerName: string;
  customerPhone: string;
  customerEmail: string;
}

/** Every email the platform sends, with what it needs. `unsubscribeUrl` marks the optional ones. */
export type EmailTemplate =
  | { template: "verify_email"; data: { name: string; url: string } }
  | { template: "password_reset"; data: { name: string; url: string } }
  | { template: "invitation"; data: { workspaceName: string; inviterName: string | null; role: string; url: string } }
  | {
      template: "message_taken";
      data: {
        workspaceName: string;
        callerName: string;
        callbackNumber: string;
        text: string;
        urgency: "low" | "normal" | "high";
        url: string;
        unsubscribeUrl: string;
      };
    }
  | { template: "appointment_booked"; data: AppointmentData & { url: string; unsubscribeUrl: string } }
  | { template: "appointment_cancelled"; data: AppointmentData & { reason: string | null; url: string; unsubscribeUrl: string } }
  | { template: "appointment_booked_caller"; data: AppointmentData }
  | { template: "appointment_cancelled_caller"; data: AppointmentData & { reason: string | null } }
  | {
      template: "daily_summary";
      data: { workspaceName: string; date: string; calls: number; bookings: number; messages: number; url: string; unsubscribeUrl: string };
    }
  | { template: "webhook_disabled"; data: { workspaceName: string; endpointUrl: string; reason: string; url: string; unsubscribeUrl: string } }
  | {
      template: "usage_threshold";
      data: {
        workspaceName: string;
        planName: string;
        threshold: 80 | 100;
        callsUsed: number;
        callsIncluded: number;
        /** When the allowance starts over (ISO), shown in `timezone`. */
        periodEnd: string;
        timezone: string;
        /** The plan's price of a call over the allowance; null: calls are refused instead. */
        overagePerCallUsd: number | null;
        url: string;
      };
    }
  | {
      template: "payment_failed";
      data: {
        workspaceName: string;
        amountDueUsd: number;
        currency: string;
        /** When the card is tried again (ISO), if Stripe will. */
        nextAttemptAt: string | null;
        /** Until when the paid plan holds (ISO); after it the workspace is on `fallbackPlanName`. */
        graceEndsAt: string;
        fallbackPlanName: string;
        timezone: string;
        url: string;
      };
    }
  | { template: "referral_signed_up"; data: { referrerName: string; referredWorkspace: string; url: string } }
  | { template: "referral_activated"; data: { referrerName: string; referredWorkspace: string; url: string } }
  | { template: "commission_approved"; data: { referrerName: string; amountUsd: number; url: string } }
  | { template: "payout_sent"; data: { referrerName: string; amountUsd: number; method: "manual" | "stripe_connect"; url: string } }
  | { template: "affiliate_verify"; data: { name: string; url: string } }
  | { template: "affiliate_login"; data: { name: string; url: string } };

export type TemplateName = EmailTemplate["template"];
export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

/** "Tuesday, 4 March 2031, 09:30 (Europe/Paris)": the appointment's time in the business's zone. */
export function formatWhen(iso: string, timezone: string): string {
  const date = new Date(iso);
  let zone = timezone;
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
  } catch {
    zone = "UTC";
  }
  const text = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(date);
  return `${text} (${zone})`;
}

const P = ({ children }: { children: ReactNode }) => <Text style={textStyle}>{children}</Text>;
const Cta = ({ href, children }: { href: string; children: ReactNode }) => (
  <Section style={{ margin: "16px 0" }}>
    <Button href={href} style={buttonStyle}>
      {children}
    </Button>
  </Section>
);
const Fallback = ({ href }: { href: string }) => (
  <Text style={{ ...textStyle, fontSize: "13px", color: "#6b7280" }}>
    Or paste this link into your browser: <Link href={href}>{href}</Link>
  </Text>
);

/** "4 March 2031" in the business's zone. */
function formatDay(iso: string, timezone: string): string {
  let zone = timezone;
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
  } catch {
    zone = "UTC";
  }
  return new Intl.DateTimeFormat("en-GB", { timeZone: zone, day: "numeric", month: "long", year: "numeric" }).format(new Date(iso));
}

/** "$1.50", "$0.75", "€12.00": amounts as the invoice states them. */
function formatMoney(amount: number, currency = "usd"): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency.toUpperCase()}`;
  }
}

const billingReason = (ws: string) =>
  `You get this email because you are an owner of ${ws} on OrbisVoice: it is about the workspace's plan and billing, so it is always sent.`;

const referralReason = "You get this email because you refer businesses to OrbisVoice: it is about your referrals and earnings.";

const businessReason = (ws: string, what: string) =>
  `You get this email because you are an owner or admin of ${ws} on OrbisVoice and ${what} are on in your notification preferences.`;

function build(email: EmailTemplate): { subject: string; element: ReactElement } {
  switch (email.template) {
    case "verify_email": {
      const d = email.data;
      return {
        subject: "Confirm your email address",
        element: (
          <Layout
            preview="Confirm your email address for OrbisVoice"
            title="Confirm your email address"
            reason="You get this email because this address was used to create an OrbisVoice account."
          >
            <P>Hi {d.name}, please confirm this is your email address. The link works once, for 24 hours.</P>
            <Cta href={d.url}>Confirm email address</Cta>
            <Fallback href={d.url} />
            <P>If you did not create an account, you can ignore this email.</P>
          </Layout>
        ),
      };
    }
    case "password_reset": {
      const d = email.data;
      return {
        subject: "Reset your OrbisVoice password",
        element: (
          <Layout
            preview="A link to choose a new password"
            title="Reset your password"
            reason="You get this email because someone asked to reset the password of the OrbisVoice account of this address."
          >
            <P>Hi {d.name}, choose a new password with the link below. It works once, for one hour, and signs you out everywhere.</P>
            <Cta href={d.url}>Choose a new password</Cta>
            <Fallback href={d.url} />
            <P>If you did not ask for this, ignore this email: your password stays as it is.</P>
          </Layout>
        ),
      };
    }
    case "invitation": {
      const d = email.data;
      return {
        subject: `You're invited to ${d.workspaceName} on OrbisVoice`,
        element: (
          <Layout
            preview={`Join ${d.workspaceName} on OrbisVoice`}
            title={`Join ${d.workspaceName}`}
            workspaceName={d.workspaceName}
            reason={`You get this email because ${d.inviterName ?? "a member"} of ${d.workspaceName} invited this address.`}
          >
            <P>
              {d.inviterName ?? "A member"} invited you to join {d.workspaceName} on OrbisVoice as {d.role}. The invitation is valid for 7 days.
            </P>
            <Cta href={d.url}>Accept the invitation</Cta>
            <Fallback href={d.url} />
          </Layout>
        ),
      };
    }
    case "message_taken": {
      const d = email.data;
      const urgent = d.urgency === "high" ? "Urgent: " : "";
      return {
        subject: `${urgent}New message from ${d.callerName || "a caller"} — ${d.workspaceName}`,
        element: (
          <Layout
            preview={`${d.callerName || "A caller"} left a message: ${d.text.slice(0, 80)}`}
            title={`${urgent}New message from ${d.callerName || "a caller"}`}
            workspaceName={d.workspaceName}
            reason={businessReason(d.workspaceName, "message emails")}
            unsubscribeUrl={d.unsubscribeUrl}
          >
            <P>Your receptionist took a message for {d.workspaceName}.</P>
            <P>
              <strong>Caller:</strong> {d.callerName || "not given"}
              <br />
              <strong>Call back on:</strong> {d.callbackNumber || "not given"}
              <br />
              <strong>Urgency:</strong> {d.urgency}
            </P>
            <P>“{d.text}”</P>
            <Cta href={d.url}>Open the message</Cta>
          </Layout>
        ),
      };
    }
    case "appointment_booked":
    case "appointment_cancelled": {
      const d = email.data;
      const booked = email.template === "appointment_booked";
      const when = formatWhen(d.start, d.timezone);
      const reason = email.template === "appointment_cancelled" ? email.data.reason : null;
      return {
        subject: `${booked ? "New booking" : "Booking cancelled"}: ${d.customerName}, ${when} — ${d.workspaceName}`,
        element: (
          <Layout
            preview={`${d.serviceName} for ${d.customerName}, ${when}`}
            title={booked ? "New appointment booked" : "Appointment cancelled"}
            workspaceName={d.workspaceName}
            reason={businessReason(d.workspaceName, "appointment emails")}
            unsubscribeUrl={d.unsubscribeUrl}
          >
            <P>
              <strong>{d.serviceName}</strong>, {when}
            </P>
            <P>
              <strong>Customer:</strong> {d.customerName}
              <br />
              <strong>Phone:</strong> {d.customerPhone || "not given"}
              <br />
              <strong>Email:</strong> {d.customerEmail || "not given"}
            </P>
            {reason ? <P>Reason: {reason}</P> : null}
            <Cta href={d.url}>Open the calendar</Cta>
          </Layout>
        ),
      };
    }
    case "appointment_booked_caller":
    case "appointment_cancelled_caller": {
      const d = email.data;
      const booked = email.template === "appointment_booked_caller";
      const when = formatWhen(d.start, d.timezone);
      return {
        subject: booked ? `Your appointment with ${d.workspaceName} is confirmed` : `Your appointment with ${d.workspaceName} is cancelled`,
        element: (
          <Layout
            preview={`${d.serviceName}, ${when}`}
            title={booked ? "Your appointment is confirmed" : "Your appointment is cancelled"}
            workspaceName={d.workspaceName}
            reason={`You get this email because an appointment was ${booked ? "booked" : "cancelled"} with ${d.workspaceName} for this address.`}
          >
            <P>Hi {d.customerName},</P>
            <P>
              {booked ? "See you on" : "This appointment is cancelled:"} <strong>{when}</strong> for {d.serviceName} with {d.workspaceName}.
            </P>
            {booked ? <P>To change or cancel it, call {d.workspaceName} back.</P> : null}
          </Layout>
        ),
      };
    }
    case "daily_summary": {
      const d = email.data;
      return {
        subject: `${d.workspaceName}: your day on ${d.date}`,
        element: (
          <Layout
            preview={`${d.calls} calls, ${d.bookings} bookings, ${d.messages} messages`}
            title={`Yesterday at ${d.workspaceName}`}
            workspaceName={d.workspaceName}
            reason={`You get this email because you turned on the daily summary for ${d.workspaceName} in your notification preferences.`}
            unsubscribeUrl={d.unsubscribeUrl}
          >
            <P>On {d.date} (UTC) your receptionist handled:</P>
            <P>
              <strong>{d.calls}</strong> calls
              <br />
              <strong>{d.bookings}</strong> bookings
              <br />
              <strong>{d.messages}</strong> messages
            </P>
            <Cta href={d.url}>Open the dashboard</Cta>
          </Layout>
        ),
      };
    }
    case "webhook_disabled": {
      const d = email.data;
      return {
        subject: `Webhook endpoint disabled — ${d.workspaceName}`,
        element: (
          <Layout
            preview={`We stopped sending events to ${d.endpointUrl}`}
            title="A webhook endpoint was disabled"
            workspaceName={d.workspaceName}
            reason={`You get this email because you are an owner of ${d.workspaceName} on OrbisVoice and webhook alerts are on in your notification preferences.`}
            unsubscribeUrl={d.unsubscribeUrl}
          >
            <P>
              We stopped sending events to <strong>{d.endpointUrl}</strong>: {d.reason}
            </P>
            <P>Fix the endpoint, then turn it back on: events that happen meanwhile are not sent to it.</P>
            <Cta href={d.url}>Open webhooks</Cta>
          </Layout>
        ),
      };
    }
    case "usage_threshold": {
      const d = email.data;
      const until = formatWhen(d.periodEnd, d.timezone);
      const spent = d.threshold >= 100;
      const subject = spent
        ? `You've used all ${d.callsIncluded} calls included in your plan — ${d.workspaceName}`
        : `You've used ${d.threshold} % of your calls this month — ${d.workspaceName}`;
      return {
        subject,
        element: (
          <Layout
            preview={`${d.callsUsed} of ${d.callsIncluded} calls used on the ${d.planName} plan`}
            title={spent ? `You've used all ${d.callsIncluded} calls included in your plan` : `You've used ${d.threshold} % of your calls this month`}
            workspaceName={d.workspaceName}
            reason={billingReason(d.workspaceName)}
          >
            <P>
              {d.workspaceName} has taken <strong>{d.callsUsed}</strong> of the <strong>{d.callsIncluded}</strong> calls included in the {d.planName} plan this
              period. The allowance starts over on {until}.
            </P>
            {d.overagePerCallUsd !== null ? (
              <P>
                {spent ? "Your receptionist keeps answering: further calls" : "Calls over the allowance"} are billed at{" "}
                <strong>{formatMoney(d.overagePerCallUsd)}</strong> each.
              </P>
            ) : spent ? (
              <P>
                New calls are refused until <strong>{until}</strong> unless you upgrade: callers will not reach your receptionist.
              </P>
            ) : (
              <P>When all of them are used, new calls are refused until {until} unless you upgrade.</P>
            )}
            <Cta href={d.url}>{d.overagePerCallUsd === null ? "Upgrade your plan" : "See your usage"}</Cta>
            <Fallback href={d.url} />
          </Layout>
        ),
      };
    }
    case "payment_failed": {
      const d = email.data;
      const amount = formatMoney(d.amountDueUsd, d.currency);
      const graceEnds = formatWhen(d.graceEndsAt, d.timezone);
      return {
        subject: `Your payment failed — update your card — ${d.workspaceName}`,
        element: (
          <Layout
            preview={`We could not charge ${amount} for ${d.workspaceName}'s plan`}
            title="Your payment failed — update your card"
            workspaceName={d.workspaceName}
            reason={billingReason(d.workspaceName)}
          >
            <P>
              We could not charge <strong>{amount}</strong> for {d.workspaceName}&apos;s OrbisVoice plan.
              {d.nextAttemptAt ? ` We will try the card again on ${formatDay(d.nextAttemptAt, d.timezone)}.` : ""}
            </P>
            <P>
              Your plan stays active until <strong>{graceEnds}</strong>. If the payment has not gone through by then, the workspace moves to the{" "}
              {d.fallbackPlanName} plan and its limits.
            </P>
            <Cta href={d.url}>Update your card</Cta>
            <Fallback href={d.url} />
          </Layout>
        ),
      };
    }
    case "referral_signed_up":
    case "referral_activated": {
      const d = email.data;
      const activated = email.template === "referral_activated";
      return {
        subject: activated
          ? `${d.referredWorkspace} took its first call — your referral is active`
          : `${d.referredWorkspace} signed up with your referral link`,
        element: (
          <Layout
            preview={activated ? `${d.referredWorkspace} is now answering calls with OrbisVoice` : `${d.referredWorkspace} joined OrbisVoice through your link`}
            title={activated ? "Your referral is active" : "Someone signed up with your link"}
            reason={referralReason}
          >
            <P>
              Hi {d.referrerName},{" "}
              {activated
                ? `${d.referredWorkspace} has taken its first real call. Commissions follow as it pays for its plan.`
                : `${d.referredWorkspace} created an OrbisVoice workspace through your referral link.`}
            </P>
            <Cta href={d.url}>See your referrals</Cta>
            <Fallback href={d.url} />
          </Layout>
        ),
      };
    }
    case "commission_approved": {
      const d = email.data;
      const amount = formatMoney(d.amountUsd);
      return {
        subject: `${amount} in referral commission approved`,
        element: (
          <Layout preview={`${amount} is approved and will be in your next payout`} title="Commission approved" reason={referralReason}>
            <P>
              Hi {d.referrerName}, <strong>{amount}</strong> of referral commission has passed its hold period and is approved. It will be in your next payout.
            </P>
            <Cta href={d.url}>See your earnings</Cta>
            <Fallback href={d.url} />
          </Layout>
        ),
      };
    }
    case "payout_sent": {
      const d = email.data;
      const amount = formatMoney(d.amountUsd);
      return {
        subject: `Payout of ${amount} sent`,
        element: (
          <Layout preview={`Your referral payout of ${amount} is on its way`} title="Payout sent" reason={referralReason}>
            <P>
              Hi {d.referrerName}, we sent you <strong>{amount}</strong>
              {d.method === "stripe_connect" ? " to your connected Stripe account" : ""} for your approved referral commissions.
            </P>
            <Cta href={d.url}>See your payouts</Cta>
            <Fallback href={d.url} />
          </Layout>
        ),
      };
    }
    case "affiliate_verify":
    case "affiliate_login": {
      const d = email.data;
      const verify = email.template === "affiliate_verify";
      return {
        subject: verify ? "Confirm your email for the OrbisVoice affiliate programme" : "Your sign-in link for the OrbisVoice affiliate dashboard",
        element: (
          <Layout
            preview={verify ? "Confirm your email to join the affiliate programme" : "Sign in to your affiliate dashboard"}
            title={verify ? "Confirm your email address" : "Sign in to your affiliate dashboard"}
            reason={
              verify
                ? "You get this email because this address was used to apply to the OrbisVoice affiliate programme."
                : "You get this email because someone asked to sign in to the OrbisVoice affiliate dashboard with this address."
            }
          >
            <P>
              Hi {d.name}, {verify ? "please confirm this is your email address to complete your application." : "here is your link to sign in."} The link works
              once, for {verify ? "24 hours" : "30 minutes"}.
            </P>
            <Cta href={d.url}>{verify ? "Confirm email address" : "Sign in"}</Cta>
            <Fallback href={d.url} />
            <P>If this was not you, you can ignore this email.</P>
          </Layout>
        ),
      };
    }
  }
}

/** The email's subject, HTML and plain text. */
export async function renderEmail(email: EmailTemplate): Promise<RenderedEmail> {
  const { subject, element } = build(email);
  const html = await render(element);
  const text = toPlainText(html);
  return { subject, html, text };
}
