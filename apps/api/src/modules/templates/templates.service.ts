import {
  agentConfigSchema,
  createId,
  notFound,
  type AgentDto,
  type BusinessTemplate,
  type BusinessTemplateId,
  type CreateAgentFromTemplateBody,
} from "@orbis/contracts";
import { BUSINESS_TEMPLATES, businessFromTemplate, type BusinessFacts } from "@orbis/brain";
import type { TenantScope } from "@orbis/db";
import { found } from "../../lib/found.ts";
import type { PlanLimits } from "../billing/plan-limits.ts";
import { toAgentDto } from "../agents/agents.mappers.ts";

/** Where a workspace still on UTC (its time zone never set) is assumed to be until the user says. */
const DEFAULT_TIMEZONE = "America/New_York";

function templateOrThrow(id: BusinessTemplateId): BusinessTemplate {
  const t = BUSINESS_TEMPLATES.find((x) => x.id === id);
  if (!t) throw notFound("Template");
  return structuredClone(t);
}

/** The business facts the workspace already has: its name (given at sign-up) and time zone. */
async function workspaceFacts(tenant: TenantScope): Promise<BusinessFacts> {
  const ws = found(await tenant.workspace.get(), "Workspace");
  return { name: ws.name, timezone: ws.timezone && ws.timezone !== "UTC" ? ws.timezone : DEFAULT_TIMEZONE };
}

/**
 * Vertical business templates: product content, the same for every workspace. A template suggests
 * hours, services, FAQs and a prompt; an agent created from one speaks the business's own facts
 * (the body's, else the workspace's name and time zone) and none of the template's.
 */
export interface TemplatesServiceOptions {
  /** Copies a template's test scenarios into an agent made from it (agent-tests). */
  suites?: { copyTemplateSuite(tenant: TenantScope, agentId: string, templateId: BusinessTemplateId): Promise<number> };
  /** The plan's agent limit; without it, no limit. */
  limits?: PlanLimits;
}

export function createTemplatesService(options: TemplatesServiceOptions = {}) {
  return {
    list: (): BusinessTemplate[] => BUSINESS_TEMPLATES.map((t) => structuredClone(t)),

    async createAgent(tenant: TenantScope, templateId: BusinessTemplateId, body: CreateAgentFromTemplateBody): Promise<AgentDto> {
      const template = templateOrThrow(templateId);
      const business = body.business ?? businessFromTemplate(template, await workspaceFacts(tenant));
      const config = agentConfigSchema.parse({
        name: body.name ?? template.agent.name,
        greeting: body.greeting,
        systemPrompt: template.agent.systemPrompt,
        ...(body.voice ? { voice: body.voice } : {}),
        business,
      });
      // The agent and its template's test scenarios together: an agent never starts without its suite.
      return tenant.transaction(async (t) => {
        await options.limits?.assertCanAdd(t, "agents");
        const agent = await t.agents.insert({ id: createId("agent"), ...config });
        await options.suites?.copyTemplateSuite(t, agent.id, templateId);
        return toAgentDto(agent);
      });
    },
  };
}
export type TemplatesService = ReturnType<typeof createTemplatesService>;
