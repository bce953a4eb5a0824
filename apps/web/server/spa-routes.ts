/**
 * The paths the dashboard's router (apps/web/src/main.tsx) renders a page for: only these get the SPA's
 * index.html with 200. Anything else is a real 404 (the SPA's "Page not found" for a browser, the error
 * body otherwise). A test reads main.tsx and fails when a route there is missing here.
 */
const SEGMENT = "[^/]+";
const DASHBOARD_PAGES = [
  "agents",
  `agents/${SEGMENT}`,
  `agents/${SEGMENT}/try`,
  `agents/${SEGMENT}/tools`,
  `agents/${SEGMENT}/tests`,
  "calls",
  `calls/${SEGMENT}`,
  "campaigns",
  `campaigns/${SEGMENT}`,
  "appointments",
  "messages",
  "phone-numbers",
  "providers",
  "usage",
  "billing",
  "referrals",
  "analytics",
  "audit",
  "api-keys",
  "webhooks",
  "calendars",
  "team",
  "settings",
  "security",
  "privacy",
  "outbox",
  "practice",
  `practice/personas/${SEGMENT}`,
  `practice/scenarios/${SEGMENT}`,
  "practice/sessions",
  `practice/sessions/${SEGMENT}`,
  "practice/progress",
  "practice/team",
  "practice/goals",
  "practice/activities",
  "practice/what-if",
  "practice/settings",
];
const TOP_PAGES = [
  "features",
  "pricing",
  "guides",
  `guides/${SEGMENT}`,
  "affiliates",
  "affiliates/verify",
  "affiliates/sign-in",
  "affiliates/dashboard",
  // The operator's console routes its own sections.
  `admin(?:/${SEGMENT})*`,
  "login",
  "signup",
  "reset-password",
  "forgot-password",
  "verify-email",
  "invite",
  "onboarding",
];

const SPA_ROUTE = new RegExp(`^/(?:|(?:${TOP_PAGES.join("|")})/?|dashboard(?:/(?:${DASHBOARD_PAGES.join("|")}))?/?)$`);

/** Whether the SPA has a page at this path (no query string). */
export const isSpaRoute = (path: string): boolean => SPA_ROUTE.test(path);
