import { businessConfigSchema, messageCopySchema, type MessageCopy } from "@orbis/contracts";

const STOP_NOTICE = " Reply STOP to opt out.";

const validZone = (tz: string | undefined): tz is string => {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** "en-GB" as is, "en" with the business's country ("en-US"); en-US when neither is a locale Intl knows. */
export function localeOf(language: string | undefined, country: string | undefined): string {
  const candidates = [language?.includes("-") ? language : language && country ? `${language}-${country}` : undefined, language, "en-US"];
  for (const c of candidates) if (c && Intl.DateTimeFormat.supportedLocalesOf([c]).length > 0) return c;
  return "en-US";
}

/** "Tue 9 Dec" and "10:00 AM" (per locale) in `timeZone`; plain spaces only (ICU puts U+202F before AM). */
export function formatWhen(at: Date, timeZone: string, locale: string): { date: string; time: string } {
  const parts = new Intl.DateTimeFormat(locale, { timeZone, weekday: "short", day: "numeric", month: "short" }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value.replace(/\.$/, "") ?? "";
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: "numeric", minute: "2-digit" }).format(at).replace(/\s/g, " ");
  return { date: `${part("weekday")} ${part("day")} ${part("month")}`, time };
}

/** `{name} {service} {business} {date} {time}` filled; unknown placeholders stay as written. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** The first message to a number says how to stop them, unless the business's own copy already does. */
export function withStopNotice(body: string): string {
  return /\bstop\b/i.test(body) ? body : `${body.trimEnd()}${STOP_NOTICE}`;
}

export interface BusinessCopy {
  business: string;
  copy: MessageCopy;
  serviceName: (serviceId: string) => string;
  country: string | undefined;
}

/** The templates, business name and service names of the booking's agent; the defaults where it has none. */
export function businessCopyOf(stored: unknown, workspaceName: string): BusinessCopy {
  const parsed = businessConfigSchema.safeParse(stored);
  if (parsed.success) {
    const b = parsed.data;
    return { business: b.name, copy: b.copy, serviceName: (id) => b.services.find((s) => s.id === id)?.name ?? id, country: b.country };
  }
  // A config that no longer validates as a whole may still carry its copy.
  const copy = messageCopySchema.safeParse((stored as { copy?: unknown } | null)?.copy ?? {});
  return { business: workspaceName, copy: copy.success ? copy.data : messageCopySchema.parse({}), serviceName: (id) => id, country: undefined };
}

/** The workspace's zone; the booking's own when the workspace never set one (still UTC). */
export function zoneOf(workspaceZone: string, appointmentZone: string): string {
  if (validZone(workspaceZone) && workspaceZone !== "UTC") return workspaceZone;
  return validZone(appointmentZone) ? appointmentZone : "UTC";
}
