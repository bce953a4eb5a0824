import type { z } from "zod";
import type { FieldErrors } from "./forms.ts";

type Path = readonly PropertyKey[];

const DAY: Record<string, string> = { mon: "Monday", tue: "Tuesday", wed: "Wednesday", thu: "Thursday", fri: "Friday", sat: "Saturday", sun: "Sunday" };

const FIELD: Record<string, string> = {
  name: "Name",
  timezone: "Time zone",
  phone: "Phone",
  email: "Email",
  website: "Website",
  escalationPhone: "Transfer number",
  line1: "Street address",
  line2: "Address line 2",
  city: "City",
  region: "State or region",
  postalCode: "Postal code",
  country: "Country",
  directions: "Directions",
  durationMin: "duration (minutes)",
  priceCents: "price",
  bufferMin: "buffer (minutes)",
  question: "question",
  answer: "answer",
  date: "date",
  open: "opening time",
  close: "closing time",
  role: "role",
  greeting: "Greeting",
  systemPrompt: "Prompt",
  voice: "Voice",
  slotStepMin: "Time between offered slots",
  minNoticeMin: "Minimum notice",
  maxDaysAhead: "Days ahead bookable",
};

const LIST: Record<string, string> = { services: "Service", staff: "Staff member", faqs: "FAQ", closures: "Closure" };

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const words = (key: string) => key.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();

/** The field a path points at, as a person would name it: "Service 2 price", "Monday shift 1 closing time", "Business name". */
function fieldLabel(path: Path): string {
  const p = path.map(String).filter((s) => s !== "body" && s !== "business");
  if (p.length === 0) return "This field";
  if (p.length === 1 && p[0] === "name" && path.map(String).includes("business")) return "Business name";
  const [head, ...rest] = p;
  if (head === "hours" && rest[0]) {
    const day = DAY[rest[0]] ?? rest[0];
    const shift = rest[1] !== undefined ? ` shift ${Number(rest[1]) + 1}` : "";
    return rest[2] ? `${day}${shift} ${FIELD[rest[2]] ?? words(rest[2])}` : `${day}${shift}`;
  }
  if (head === "address") return rest[0] ? (FIELD[rest[0]] ?? upperFirst(words(rest[0]))) : "Address";
  if (head && LIST[head] && rest[0] !== undefined && /^\d+$/.test(rest[0])) {
    const item = `${LIST[head]} ${Number(rest[0]) + 1}`;
    const field = rest[1];
    if (!field) return item;
    if (field === "hours") return `${item} opening hours`;
    if (field === "staffIds" || field === "serviceIds") return `${item} ${field === "staffIds" ? "staff" : "services"}`;
    return `${item} ${(FIELD[field] ?? words(field)).toLowerCase()}`;
  }
  if (head === "booking" && rest[0]) return FIELD[rest[0]] ?? upperFirst(words(rest[0]));
  return FIELD[head ?? ""] ?? upperFirst(words(head ?? ""));
}

/**
 * A zod message in plain language, named after its field: "Too small: expected string to have >=1 characters"
 * on `business.name` becomes "Business name is required". Works on zod issues and on the API's 422 details
 * (which carry the same messages).
 */
function humanMessage(path: Path, message: string): string {
  const label = fieldLabel(path);
  let m: RegExpMatchArray | null;
  if (/expected string to have >=1 characters/.test(message) || /received undefined/.test(message)) return `${label} is required`;
  if ((m = message.match(/expected string to have >=(\d+) characters/))) return `${label} must be at least ${m[1]} characters`;
  if ((m = message.match(/expected string to have <=(\d+) characters/))) return `${label} must be at most ${m[1]} characters`;
  if ((m = message.match(/expected number to be >=?(-?[\d.]+)/))) return `${label} must be at least ${m[1]}`;
  if ((m = message.match(/expected number to be <=?(-?[\d.]+)/))) return `${label} must be at most ${m[1]}`;
  if ((m = message.match(/expected array to have <=(\d+) items/))) return `${label}: at most ${m[1]} allowed`;
  if (/expected number, received NaN/.test(message) || /expected number/.test(message)) return `${label} must be a number`;
  if (/expected int/.test(message)) return `${label} must be a whole number`;
  if (/^Invalid (input|option)/.test(message)) return `${label} is not valid`;
  if (message === "open must be before close") return `${label}: the opening time must be before the closing time`;
  if ((m = message.match(/^unknown (staff|service) id (.+)$/))) return `${label} refers to a ${m[1]} that no longer exists (${m[2]})`;
  if (/ids must be unique/.test(message)) return `${label}: two entries have the same name`;
  if (/^must be HH:MM/.test(message)) return `${label} must be a time like 09:00`;
  if (/^must be YYYY-MM-DD/.test(message)) return `${label} must be a date`;
  if (/^must be lowercase letters/.test(message)) return `${label} must use only letters, digits and dashes`;
  if (/^must be an IANA time zone/.test(message)) return `${label} must be a time zone like America/New_York`;
  if (/^must /.test(message)) return `${label} ${message}`;
  return `${label}: ${message}`;
}

/**
 * The API's 422 details about a business config in plain language. `at` is where the business sits in the
 * request body ([] for PUT business, ["business"] inside a larger body); keys are paths inside the business.
 */
export function humanApiErrors(details: unknown, at: string[] = []): FieldErrors {
  if (!Array.isArray(details)) return {};
  const out: FieldErrors = {};
  for (const d of details as { path?: string; message?: string }[]) {
    let path = (d.path ?? "").split(".").filter(Boolean);
    if (path[0] === "body") path = path.slice(1);
    if (at.every((seg, i) => path[i] === seg)) path = path.slice(at.length);
    const key = path.join(".") || "_";
    out[key] ??= humanMessage(["business", ...path], d.message ?? "is not valid");
  }
  return out;
}

/** Validates with a shared schema; errors in plain language, keyed by dotted path. */
export function validateHuman<S extends z.ZodType>(
  schema: S,
  value: unknown,
  pathPrefix: PropertyKey[] = [],
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.map(String).join(".") || "_";
    errors[key] ??= humanMessage([...pathPrefix, ...issue.path], issue.message);
  }
  return { ok: false, errors };
}
