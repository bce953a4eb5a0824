import { randomBytes } from "node:crypto";
import { businessConfigSchema, notFound } from "@orbis/contracts";
import { findCalendarFeedByToken, tenantScope, type Database, type TenantScope } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { renderCalendar, type IcalEvent } from "./ical.ts";

const DAY_MS = 24 * 3600_000;
/** The feed covers what a calendar app shows: the last month and the next year. */
const PAST_DAYS = 31;
const FUTURE_DAYS = 366;
const MAX_EVENTS = 5000;

const newToken = () => randomBytes(24).toString("base64url");

export function createCalendarFeedService(db: Database, publicBaseUrl: () => string, now: () => Date = () => new Date()) {
  const urlOf = (token: string) => `${publicBaseUrl().replace(/\/$/, "")}/v1/calendar/${token}.ics`;

  return {
    /** Created on the first request (audited then); the audit rows never hold the token, which is the feed's credential. */
    async feedUrl(tenant: TenantScope, actor: Actor) {
      const token = newToken();
      const feed = await tenant.transaction(async (t) => {
        const row = await t.calendarFeeds.getOrCreate(token);
        if (row.token === token)
          await t.audit.record({ ...auditedBy(actor), action: "calendar_feed.created", targetType: "calendar_feed", targetId: t.workspaceId });
        return row;
      });
      return { url: urlOf(feed.token), createdAt: feed.createdAt.toISOString() };
    },
    /** The old URL stops working at once. */
    async rotate(tenant: TenantScope, actor: Actor) {
      const feed = await tenant.transaction(async (t) => {
        const row = await t.calendarFeeds.replace(newToken());
        await t.audit.record({ ...auditedBy(actor), action: "calendar_feed.rotated", targetType: "calendar_feed", targetId: t.workspaceId });
        return row;
      });
      return { url: urlOf(feed.token), createdAt: feed.createdAt.toISOString() };
    },

    /** Booked and cancelled appointments (cancelled ones so subscribed calendars drop them). */
    async ics(token: string): Promise<string> {
      const feed = await findCalendarFeedByToken(db.system, token);
      if (!feed) throw notFound("Calendar feed");
      const tenant = tenantScope(db, feed.workspaceId);
      const t = now().getTime();
      const [workspace, agents, rows] = await tenant.transaction(
        async (x) =>
          [
            await x.workspace.get(),
            await x.agents.list(500),
            await x.appointments.list({ from: new Date(t - PAST_DAYS * DAY_MS), to: new Date(t + FUTURE_DAYS * DAY_MS), limit: MAX_EVENTS }),
          ] as const,
      );
      const serviceNames = new Map<string, string>();
      const locations = new Map<string, string>();
      for (const agent of agents) {
        const business = businessConfigSchema.safeParse(agent.business);
        if (!business.success) continue;
        for (const s of business.data.services) serviceNames.set(`${agent.id}:${s.id}`, s.name);
        const a = business.data.address;
        if (a) locations.set(agent.id, [a.line1, a.line2, a.city, a.region, a.postalCode].filter(Boolean).join(", "));
      }
      const events: IcalEvent[] = rows
        .filter((r) => r.status !== "no_show")
        .map((r) => {
          const service = serviceNames.get(`${r.agentId}:${r.serviceId}`) ?? r.serviceId;
          const location = r.agentId ? locations.get(r.agentId) : undefined;
          return {
            uid: `${r.id}@orbisvoice`,
            start: r.startAt,
            end: r.endAt,
            stamp: r.updatedAt,
            summary: `${service}: ${r.customerName}`,
            description: [
              `Customer: ${r.customerName}`,
              `Phone: ${r.customerPhone}`,
              r.customerEmail && `Email: ${r.customerEmail}`,
              r.staffId && `Staff: ${r.staffId}`,
              r.notes,
            ]
              .filter(Boolean)
              .join("\n"),
            ...(location ? { location } : {}),
            status: r.status === "cancelled" ? "CANCELLED" : "CONFIRMED",
            // Clients update an event when SEQUENCE grows; seconds since creation grow with every edit.
            sequence: Math.max(0, Math.floor((r.updatedAt.getTime() - r.createdAt.getTime()) / 1000)),
          } satisfies IcalEvent;
        });
      return renderCalendar({ name: `${workspace?.name ?? "OrbisVoice"} appointments`, events });
    },
  };
}
export type CalendarFeedService = ReturnType<typeof createCalendarFeedService>;
