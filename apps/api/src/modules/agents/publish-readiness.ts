import { AppError, businessConfigSchema, WEEKDAYS, type AgentConfig } from "@orbis/contracts";
import { compileStoredTool } from "@orbis/agent-runtime";
import type { AgentToolRow, TenantScope } from "@orbis/db";
import { PROVIDERS } from "@orbis/providers";

/** One reason a configuration cannot run: where (a dotted path of the config, or the tool) and what to fix. */
interface ReadinessProblem {
  check: string;
  path: string;
  message: string;
}

/** What the checks look at: the config to publish and what it will run with. */
interface ReadinessContext {
  config: AgentConfig;
  /** Vendors with a platform key (`<VENDOR>_API_KEY`) or a key the workspace stored. */
  keyedVendors: ReadonlySet<string>;
  /** The agent's HTTP tools (rows of `/v1/agents/:id/tools`). */
  tools: readonly AgentToolRow[];
  allowPrivateNetwork: boolean;
}

type ReadinessCheck = (ctx: ReadinessContext) => ReadinessProblem[];

/** The definition of an LLM chain id (`providers.llm`), aliases included; undefined for an id no provider defines. */
const llmDefinitionOf = (id: string) => PROVIDERS.find((d) => Object.entries(d.chat ?? {}).some(([key, entry]) => key === id || entry.aliases?.includes(id)));

/** Every model of the LLM brain's chain is known and its vendor has a key (the platform's or the workspace's). */
const llmProvidersHaveKeys: ReadinessCheck = ({ config, keyedVendors }) =>
  config.providers.llm.flatMap((id, i): ReadinessProblem[] => {
    const path = `providers.llm.${i}`;
    const def = llmDefinitionOf(id);
    if (!def) return [{ check: "llm_provider_known", path, message: `LLM provider "${id}" does not exist: choose one listed by GET /v1/providers` }];
    if (!def.needsKey || !def.vendor || keyedVendors.has(def.vendor)) return [];
    return [
      {
        check: "llm_provider_key",
        path,
        message: `LLM provider "${id}" has no ${def.vendor} key: store one with PUT /v1/credentials/${def.vendor} (or set the platform's key)`,
      },
    ];
  });

/** Every enabled HTTP tool has a URL the outbound guard allows (http(s), no credentials, no refused address). */
const httpToolUrlsAllowed: ReadinessCheck = ({ tools, allowPrivateNetwork }) =>
  tools.flatMap((row): ReadinessProblem[] => {
    if (!row.enabled) return [];
    try {
      compileStoredTool(row, { allowPrivateNetwork });
      return [];
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return [{ check: "http_tool_url", path: `tools.${row.name}.url`, message: `HTTP tool "${row.name}" cannot be called (${row.url}): ${reason}` }];
    }
  });

/** A receptionist that books (a configured business with a bookable service) is open at least once a week. */
const bookingHasOpeningHours: ReadinessCheck = ({ config }) => {
  const business = businessConfigSchema.safeParse(config.business);
  if (!business.success || !business.data.services.some((s) => s.bookable)) return [];
  if (WEEKDAYS.some((day) => business.data.hours[day].length > 0)) return [];
  return [
    { check: "booking_hours", path: "business.hours", message: "the agent books appointments but has no opening hours: add hours for at least one weekday" },
  ];
};

const CHECKS: readonly ReadinessCheck[] = [llmProvidersHaveKeys, httpToolUrlsAllowed, bookingHasOpeningHours];

/** Every problem of the config, in check order; empty when it can run. */
const readinessProblems = (ctx: ReadinessContext): ReadinessProblem[] => CHECKS.flatMap((check) => check(ctx));

export interface PublishReadinessOptions {
  /** The platform's keys per vendor (config `providerKeys`); a vendor with only an endpoint has no key. */
  platformKeys?: Partial<Record<string, { apiKey?: string }>>;
  /** The operator's `ALLOW_PRIVATE_NETWORK_TOOLS`. */
  allowPrivateNetwork?: boolean;
}

/** Refuses (422, every problem in `details`) a config that cannot take calls; a no-op when it can. */
export function createPublishReadiness(options: PublishReadinessOptions = {}) {
  const platform = new Set(Object.entries(options.platformKeys ?? {}).flatMap(([vendor, key]) => (key?.apiKey ? [vendor] : [])));
  return async function assertReadyToPublish(tenant: TenantScope, agentId: string, config: AgentConfig): Promise<void> {
    const stored = await tenant.credentials.providers();
    const tools = await tenant.agentTools.list(agentId);
    const problems = readinessProblems({
      config,
      keyedVendors: new Set([...platform, ...stored]),
      tools,
      allowPrivateNetwork: options.allowPrivateNetwork ?? false,
    });
    if (problems.length === 0) return;
    const first = problems[0]!.message;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""})` : "";
    throw new AppError("validation_failed", `Cannot publish: ${first}${more}`, problems);
  };
}
export type AssertReadyToPublish = ReturnType<typeof createPublishReadiness>;
