import { z } from "zod";

/** "HH:MM" in 24-hour wall-clock time of the business; "24:00" closes at midnight. */
export const timeOfDaySchema = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "must be HH:MM (24-hour)");
/** A calendar date without a time zone: "YYYY-MM-DD". */
export const isoDateSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "must be YYYY-MM-DD");
/** Machine-friendly id for services and staff inside one business config ("cleaning", "dr-lee"). */
export const slugSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "must be lowercase letters, digits, - or _");

export const openingIntervalSchema = z.object({ open: timeOfDaySchema, close: timeOfDaySchema }).refine((v) => v.open < v.close, "open must be before close");
export type OpeningInterval = z.infer<typeof openingIntervalSchema>;

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const dayHours = z.array(openingIntervalSchema).max(8).default([]);
export const weeklyHoursSchema = z.object({
  mon: dayHours,
  tue: dayHours,
  wed: dayHours,
  thu: dayHours,
  fri: dayHours,
  sat: dayHours,
  sun: dayHours,
});
export type WeeklyHours = z.infer<typeof weeklyHoursSchema>;

/** A holiday or closure. No `hours` = closed all day; `hours` = open only then (e.g. Christmas Eve mornings). */
export const closureSchema = z.object({
  date: isoDateSchema,
  name: z.string().max(120).default(""),
  hours: z.array(openingIntervalSchema).max(8).default([]),
});
export type Closure = z.infer<typeof closureSchema>;

export const serviceSchema = z.object({
  id: slugSchema,
  name: z.string().trim().min(1).max(120),
  /** Other words callers use for it ("teeth cleaning", "checkup"). */
  synonyms: z.array(z.string().trim().min(1).max(120)).max(30).default([]),
  description: z.string().max(1000).default(""),
  durationMin: z
    .number()
    .int()
    .min(5)
    .max(12 * 60),
  /** null = price on request. */
  priceCents: z.number().int().min(0).nullable().default(null),
  /** "from" prices are quoted as "starting at". */
  priceIsFrom: z.boolean().default(false),
  /** Time blocked after the appointment (clean-up, travel). */
  bufferMin: z.number().int().min(0).max(240).default(0),
  /** Who can perform it; empty = the business itself is the one resource (one booking at a time). */
  staffIds: z.array(slugSchema).max(100).default([]),
  bookable: z.boolean().default(true),
});
export type Service = z.infer<typeof serviceSchema>;

export const staffSchema = z.object({
  id: slugSchema,
  name: z.string().trim().min(1).max(120),
  role: z.string().max(120).default(""),
  serviceIds: z.array(slugSchema).max(100).default([]),
});
export type Staff = z.infer<typeof staffSchema>;

export const faqSchema = z.object({
  question: z.string().trim().min(1).max(500),
  answer: z.string().trim().min(1).max(2000),
  /** Words that point at this answer when a caller asks ("parking", "insurance"). */
  keywords: z.array(z.string().trim().min(1).max(60)).max(30).default([]),
});
export type Faq = z.infer<typeof faqSchema>;

export const addressSchema = z.object({
  line1: z.string().max(200),
  line2: z.string().max(200).default(""),
  city: z.string().max(120),
  region: z.string().max(120).default(""),
  postalCode: z.string().max(20).default(""),
  country: z.string().length(2).default("US"),
  /** How to find it, read to callers after the address ("next to the post office"). */
  directions: z.string().max(500).default(""),
});
export type Address = z.infer<typeof addressSchema>;

/** Copy sent after bookings; `{name} {service} {date} {time} {business}` are filled in. */
export const messageCopySchema = z.object({
  smsConfirmation: z.string().max(480).default("Hi {name}, your {service} at {business} is booked for {date} at {time}. Reply C to cancel."),
  smsReminder: z.string().max(480).default("Reminder: {service} at {business} on {date} at {time}."),
  emailSubject: z.string().max(200).default("Your appointment at {business}"),
  emailBody: z.string().max(5000).default("Hi {name},\n\nYour {service} at {business} is booked for {date} at {time}.\n\nSee you soon,\n{business}"),
});
export type MessageCopy = z.infer<typeof messageCopySchema>;

export const bookingRulesSchema = z.object({
  /** Grid of offered start times. */
  slotStepMin: z.number().int().min(5).max(240).default(30),
  /** Earliest bookable start, counted from now. */
  minNoticeMin: z
    .number()
    .int()
    .min(0)
    .max(14 * 24 * 60)
    .default(60),
  maxDaysAhead: z.number().int().min(1).max(365).default(60),
});
export type BookingRules = z.infer<typeof bookingRulesSchema>;

function isIanaZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz.includes("/") || tz === "UTC";
  } catch {
    return false;
  }
}

export const businessConfigSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    timezone: z.string().refine(isIanaZone, "must be an IANA time zone like America/New_York"),
    /** ISO country used to read phone numbers said without a country code. */
    country: z.string().length(2).default("US"),
    phone: z.string().max(32).default(""),
    email: z.string().max(200).default(""),
    website: z.string().max(200).default(""),
    address: addressSchema.nullable().default(null),
    hours: weeklyHoursSchema,
    closures: z.array(closureSchema).max(200).default([]),
    services: z.array(serviceSchema).max(100).default([]),
    staff: z.array(staffSchema).max(100).default([]),
    faqs: z.array(faqSchema).max(200).default([]),
    /** Where "let me talk to a person" goes; null = take a message instead. */
    escalationPhone: z.string().max(32).nullable().default(null),
    copy: messageCopySchema.default(messageCopySchema.parse({})),
    booking: bookingRulesSchema.default(bookingRulesSchema.parse({})),
  })
  .superRefine((b, ctx) => {
    const serviceIds = new Set(b.services.map((s) => s.id));
    const staffIds = new Set(b.staff.map((s) => s.id));
    if (serviceIds.size !== b.services.length) ctx.addIssue({ code: "custom", path: ["services"], message: "service ids must be unique" });
    if (staffIds.size !== b.staff.length) ctx.addIssue({ code: "custom", path: ["staff"], message: "staff ids must be unique" });
    b.services.forEach((s, i) =>
      s.staffIds.forEach((id, j) => {
        if (!staffIds.has(id)) ctx.addIssue({ code: "custom", path: ["services", i, "staffIds", j], message: `unknown staff id ${id}` });
      }),
    );
    b.staff.forEach((s, i) =>
      s.serviceIds.forEach((id, j) => {
        if (!serviceIds.has(id)) ctx.addIssue({ code: "custom", path: ["staff", i, "serviceIds", j], message: `unknown service id ${id}` });
      }),
    );
  });
export type BusinessConfig = z.infer<typeof businessConfigSchema>;
/** What a form or API body may send (defaults not yet applied). */
export type BusinessConfigInput = z.input<typeof businessConfigSchema>;

export const businessTemplateIdSchema = z.enum(["dental", "home_services", "auto_repair", "salon_spa", "generic"]);
export type BusinessTemplateId = z.infer<typeof businessTemplateIdSchema>;

/**
 * What a template suggests for the user to confirm: opening hours, closures, services (without staff),
 * FAQs and booking rules. Never a business's facts (name, address, phone, email, staff): those are the
 * user's own.
 */
export const businessSuggestionsSchema = z.object({
  hours: weeklyHoursSchema,
  closures: z.array(closureSchema).max(200).default([]),
  services: z.array(serviceSchema).max(100).default([]),
  faqs: z.array(faqSchema).max(200).default([]),
  booking: bookingRulesSchema.default(bookingRulesSchema.parse({})),
});
export type BusinessSuggestions = z.infer<typeof businessSuggestionsSchema>;

export const businessTemplateSchema = z.object({
  id: businessTemplateIdSchema,
  label: z.string(),
  description: z.string(),
  /** The agent's suggested name and prompt; the prompt names no business (the facts do). */
  agent: z.object({ name: z.string(), systemPrompt: z.string() }),
  suggestions: businessSuggestionsSchema,
});

/** Creates an agent from a template. `business` omitted: the workspace's name and time zone with the template's suggestions. */
export const createAgentFromTemplateBodySchema = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  /** Empty: callers hear "Thanks for calling <the business's name>…". */
  greeting: z.string().max(1000).default(""),
  voice: z.string().max(64).optional(),
  business: businessConfigSchema.optional(),
});
export type CreateAgentFromTemplateBody = z.infer<typeof createAgentFromTemplateBodySchema>;
export type BusinessTemplate = z.infer<typeof businessTemplateSchema>;
