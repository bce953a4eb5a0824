import { useQuery } from "@tanstack/react-query";
import {
  featureFlagsSchema,
  goalListSchema,
  personaListSchema,
  personaSchema,
  practicePhoneLineSchema,
  practiceSessionDetailSchema,
  repDashboardSchema,
  scenarioListSchema,
  scenarioSchema,
  teamDashboardSchema,
  whatIfListSchema,
  type Personality,
  type ScenarioType,
} from "@orbis/contracts";
import { api, ApiError } from "../../lib/api.ts";
import type { FieldErrors } from "../../lib/forms.ts";
import { queryString } from "../../lib/queries.ts";
import { useCan } from "../../lib/session.tsx";

/**
 * The sales-practice pages' reads (docs/practice.md, API under /v1/practice) and the labels they share.
 * Every answer is parsed with the contracts schema, so a page never renders a shape it does not know.
 */

/** `GET /v1/features`: the plan's features with the operator's overrides. A missing or failing endpoint reads as "all off". */
export const useFeatureFlags = () =>
  useQuery({
    queryKey: ["features"],
    queryFn: async () => featureFlagsSchema.parse(await api("/v1/features")).flags,
    staleTime: 5 * 60_000,
    retry: false,
  });

/** Whether this workspace may use sales practice (the nav entry and the pages' notice). */
export const usePracticeOn = (): boolean => useFeatureFlags().data?.sales_practice === true;

/** Owners and admins see every rep's data and edit the workspace's personas and scenarios. */
export const useIsManager = (): boolean => useCan("admin");

export const usePersonas = () =>
  useQuery({ queryKey: ["practice", "personas"], queryFn: async () => personaListSchema.parse(await api("/v1/practice/personas")).data });
export const useScenarios = () =>
  useQuery({ queryKey: ["practice", "scenarios"], queryFn: async () => scenarioListSchema.parse(await api("/v1/practice/scenarios")).data });
export const usePersona = (id: string | undefined) =>
  useQuery({
    queryKey: ["practice", "personas", id],
    enabled: !!id,
    queryFn: async () => personaSchema.parse(await api(`/v1/practice/personas/${encodeURIComponent(id ?? "")}`)),
  });
export const useScenario = (id: string | undefined) =>
  useQuery({
    queryKey: ["practice", "scenarios", id],
    enabled: !!id,
    queryFn: async () => scenarioSchema.parse(await api(`/v1/practice/scenarios/${encodeURIComponent(id ?? "")}`)),
  });

export const sessionKey = (id: string) => ["practice", "sessions", "one", id];
export const usePracticeSession = (id: string, refetchInterval: number | false = false) =>
  useQuery({
    queryKey: sessionKey(id),
    queryFn: async () => practiceSessionDetailSchema.parse(await api(`/v1/practice/sessions/${encodeURIComponent(id)}`)),
    refetchInterval,
  });

/** The rep's dashboard (a manager may pass another rep's id). */
export const useRepDashboard = (userId?: string) =>
  useQuery({
    queryKey: ["practice", "dashboard", userId ?? "me"],
    queryFn: async () => repDashboardSchema.parse(await api(`/v1/practice/dashboard${queryString({ userId })}`)),
  });

export const useTeamDashboard = (enabled: boolean) =>
  useQuery({ queryKey: ["practice", "team"], enabled, queryFn: async () => teamDashboardSchema.parse(await api("/v1/practice/team")) });

export const useGoals = (userId?: string) =>
  useQuery({
    queryKey: ["practice", "goals", userId ?? "me"],
    queryFn: async () => goalListSchema.parse(await api(`/v1/practice/goals${queryString({ userId })}`)).data,
  });

export const useWhatIfs = () =>
  useQuery({ queryKey: ["practice", "what-if"], queryFn: async () => whatIfListSchema.parse(await api("/v1/practice/what-if")).data });

/** `GET /v1/practice/phone-line`: the number reps dial to practise by phone (null when the workspace has none). */
export const phoneLineKey = ["practice", "phone-line"];
export const usePhoneLine = () =>
  useQuery({ queryKey: phoneLineKey, queryFn: async () => practicePhoneLineSchema.parse(await api("/v1/practice/phone-line")) });

// ---- By phone: the dial-in code of a session just started (shown once by the API), kept for this tab only. ----

export interface DialIn {
  number: string;
  code: string;
  expiresAt: string;
}
const dialInKey = (sessionId: string) => `orbis.practice.dial-in.${sessionId}`;
export const storeDialIn = (sessionId: string, dialIn: DialIn) => sessionStorage.setItem(dialInKey(sessionId), JSON.stringify(dialIn));
export function dialInOf(sessionId: string): DialIn | null {
  try {
    const raw = sessionStorage.getItem(dialInKey(sessionId));
    return raw ? (JSON.parse(raw) as DialIn) : null;
  } catch {
    return null;
  }
}
export const forgetDialIn = (sessionId: string) => sessionStorage.removeItem(dialInKey(sessionId));

// ---- The voice token of a session just started: kept for this tab only, used once. ----

const tokenKey = (sessionId: string) => `orbis.practice.token.${sessionId}`;
export const storeSessionToken = (sessionId: string, token: string) => sessionStorage.setItem(tokenKey(sessionId), token);
export const sessionToken = (sessionId: string): string | null => sessionStorage.getItem(tokenKey(sessionId));
/** The token opens one stream: once used (or the session is over) it is forgotten, so a reload does not try it again. */
export const forgetSessionToken = (sessionId: string) => sessionStorage.removeItem(tokenKey(sessionId));

// ---- Labels ----

export const PERSONALITY_LABEL: Record<Personality, string> = { friendly: "Friendly", busy: "Busy", skeptical: "Skeptical", hostile: "Hostile" };
export const PERSONALITY_TONE: Record<Personality, "green" | "slate" | "amber" | "red"> = {
  friendly: "green",
  busy: "slate",
  skeptical: "amber",
  hostile: "red",
};
export const SCENARIO_TYPE_LABEL: Record<ScenarioType, string> = {
  cold_call: "Cold call",
  discovery: "Discovery",
  demo_follow_up: "Demo follow-up",
  objection_handling: "Objection handling",
  closing: "Closing",
  renewal: "Renewal",
};
export const DIFFICULTY_LABEL = { easy: "Easy", medium: "Medium", hard: "Hard" } as const;
export const DIFFICULTY_TONE = { easy: "green", medium: "amber", hard: "red" } as const;
export const AUTHORITY_LABEL = { decision_maker: "Decision maker", influencer: "Influencer", gatekeeper: "Gatekeeper" } as const;
export const GOAL_METRIC_LABEL = {
  calls: "Calls",
  meetings_booked: "Meetings booked",
  practice_sessions: "Practice sessions",
  average_score: "Average practice score",
  revenue: "Revenue (USD)",
} as const;
export const ACTIVITY_KIND_LABEL = {
  call: "Call",
  meeting_booked: "Meeting booked",
  email: "Email",
  practice_session: "Practice session",
  deal_won: "Deal won",
  note: "Note",
} as const;
export const END_REASON_LABEL: Record<string, string> = {
  rep_ended: "You ended the call",
  rep_hung_up: "You hung up",
  next_step: "The prospect agreed to a next step",
  prospect_hung_up: "The prospect hung up",
  time_up: "Time ran out",
  disconnected: "The connection dropped",
  error: "Something went wrong",
};

export const usd = (n: number) =>
  `$${n.toLocaleString("en-US", { minimumFractionDigits: n > 0 && n < 1 ? 4 : 0, maximumFractionDigits: n > 0 && n < 1 ? 4 : 0 })}`;

/** Seconds as "m:ss". */
export const clock = (sec: number) => {
  const s = Math.max(0, Math.round(sec));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
};

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A zod message in plain words ("Too small: expected string to have >=1 characters" → "Required"). */
function plainMessage(message: string): string {
  let m: RegExpMatchArray | null;
  if (/expected string to have >=1 characters|received undefined/.test(message)) return "Required";
  if (/expected array to have >=1 items/.test(message)) return "Add at least one";
  if ((m = message.match(/expected string to have <=(\d+) characters/))) return `At most ${m[1]} characters`;
  if ((m = message.match(/expected array to have <=(\d+) items/))) return `At most ${m[1]} allowed`;
  if ((m = message.match(/expected number to be >=?(-?[\d.]+)/))) return `Must be at least ${m[1]}`;
  if ((m = message.match(/expected number to be <=?(-?[\d.]+)/))) return `Must be at most ${m[1]}`;
  if (/expected int/.test(message)) return "Must be a whole number";
  if (/expected number/.test(message)) return "Must be a number";
  if (/^Invalid (input|option)/.test(message)) return "Not a valid choice";
  if (/^must /.test(message)) return upperFirst(message);
  return message;
}

/**
 * Field errors keyed by dotted path without `body.` (`objections.0.raise`): from a 422's details, or
 * from a local zod check, in plain words. Anything else goes under `_` (shown above the form).
 */
export function fieldErrorsOf(err: unknown): FieldErrors {
  if (err instanceof ApiError && err.status === 422 && Array.isArray(err.details)) {
    const out: FieldErrors = {};
    for (const d of err.details as { path?: string; message?: string }[]) {
      const key = (d.path ?? "").replace(/^body\.?/, "") || "_";
      out[key] ??= plainMessage(d.message ?? "is not valid");
    }
    return out;
  }
  return { _: err instanceof Error ? err.message : String(err) };
}

export function zodFieldErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) out[i.path.map(String).join(".") || "_"] ??= plainMessage(i.message);
  return out;
}

/** The first error at a key or under it (`rubric` → `rubric.0.label`). */
export const errorAt = (errors: FieldErrors, key: string) => errors[key] ?? Object.entries(errors).find(([k]) => k.startsWith(`${key}.`))?.[1];

/** Lines of a textarea as a list (one phrase a line), and back. */
export const linesOf = (text: string) =>
  text
    .split("\n")
    .map((s) => s.trim())
    .filter(Boolean);
