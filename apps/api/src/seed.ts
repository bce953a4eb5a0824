import { generateApiKey, hashPassword, randomToken } from "@orbis/auth";
import { agentConfigSchema, createId } from "@orbis/contracts";
import { sqlStateOf, systemRepository, tenantScope, type Database } from "@orbis/db";

export const DEMO_WORKSPACE_SLUG = "riverside-dental";

export interface DemoSeed {
  created: boolean;
  workspaceId: string;
  agentId?: string;
  email?: string;
  password?: string;
  publishableKey?: string;
}

export interface DemoAgentTemplate {
  name: string;
  greeting: string;
  systemPrompt: string;
  business: Record<string, unknown>;
}

const DEFAULT_TEMPLATE: DemoAgentTemplate = {
  name: "Riverside Dental receptionist",
  greeting: "Thank you for calling Riverside Dental. How can I help you today?",
  systemPrompt: "You are the friendly receptionist of Riverside Dental. Book, move and cancel appointments and answer questions about the practice.",
  business: { name: "Riverside Dental", timezone: "America/New_York" },
};

/**
 * First-start demo: a workspace, an owner login, an agent and a publishable key for the local widget.
 * Idempotent: returns `created: false` when the demo workspace exists.
 */
export async function seedDemo(db: Database, options: { origins: string[]; template?: DemoAgentTemplate }): Promise<DemoSeed> {
  const system = systemRepository(db.system);
  const existing = await system.findWorkspaceBySlug(DEMO_WORKSPACE_SLUG);
  if (existing) return { created: false, workspaceId: existing.id };

  const template = options.template ?? DEFAULT_TEMPLATE;
  const email = "owner@riverside-dental.example";
  const password = randomToken(16);
  const passwordHash = await hashPassword(password);
  const workspaceId = createId("workspace");
  const userId = createId("user");
  try {
    await db.system.transaction(async (tx) => {
      const sys = systemRepository(tx);
      await sys.insertWorkspace({ id: workspaceId, name: "Riverside Dental", slug: DEMO_WORKSPACE_SLUG, timezone: "America/New_York" });
      const user = (await sys.findUserByEmail(email)) ?? (await sys.insertUser({ id: userId, email, name: "Demo Owner", passwordHash }));
      await sys.insertMembership({ id: createId("membership"), workspaceId, userId: user.id, role: "owner" });
    });
  } catch (error) {
    // Another api process starting at the same time (two replicas on a fresh database) seeded it first:
    // its workspace is the demo, and this process starts rather than failing on the unique slug.
    const theirs = sqlStateOf(error) === "23505" ? await system.findWorkspaceBySlug(DEMO_WORKSPACE_SLUG) : undefined;
    if (theirs) return { created: false, workspaceId: theirs.id };
    throw error;
  }

  const tenant = tenantScope(db, workspaceId);
  const key = generateApiKey("publishable");
  const agentId = createId("agent");
  const config = agentConfigSchema.parse({
    name: template.name,
    greeting: template.greeting,
    systemPrompt: template.systemPrompt,
    business: template.business,
  });
  await tenant.transaction(async (t) => {
    await t.agents.insert({ id: agentId, ...config, status: "published", publishedVersion: 1 });
    await t.agents.insertVersion({ id: createId("agentVersion"), agentId, version: 1, config, publishedBy: userId });
    await t.apiKeys.insert({
      id: createId("apiKey"),
      name: "Demo widget",
      kind: "publishable",
      prefix: key.prefix,
      keyHash: key.hash,
      allowedOrigins: options.origins,
      createdBy: userId,
    });
  });
  return { created: true, workspaceId, agentId, email, password, publishableKey: key.key };
}
