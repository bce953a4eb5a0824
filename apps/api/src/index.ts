export { buildApp, mountApi, type App, type BuildAppOptions } from "./app.ts";
export type { ApiDeps } from "./deps.ts";
export { createPrincipalResolver, type Principal } from "./plugins/principal.ts";
export { createSessionAccess, type SessionAccess, type SessionAccessService } from "./modules/auth/session-access.ts";
export { seedDemo, DEMO_WORKSPACE_SLUG, type DemoSeed, type DemoAgentTemplate } from "./seed.ts";
