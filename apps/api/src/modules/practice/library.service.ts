import { BUILTIN_PERSONAS, BUILTIN_SCENARIOS, builtInPersona, builtInScenario } from "@orbis/practice";
import {
  AppError,
  createId,
  personaInputSchema,
  scenarioInputSchema,
  type PersonaDto,
  type PersonaInput,
  type ScenarioDto,
  type ScenarioInput,
} from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { found } from "../../lib/found.ts";
import { parseOrThrow } from "../../lib/validation.ts";
import { auditedDefinition, toPersonaDto, toScenarioDto } from "./practice.mappers.ts";

const BUILTIN = /^builtin_/;
const readOnly = (what: string) => new AppError("conflict", `This ${what} is built-in and cannot be changed; duplicate it to make your own`);
/** The keys a patch named (the audit row says what changed). */
const changedKeys = (patch: object) => Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);

/**
 * The practice library: built-in personas and scenarios (code, the same for every workspace, read-only)
 * and the workspace's own (any member reads them; owners and admins change them, audited).
 */
export function createPracticeLibraryService() {
  /** A persona by id, built-in or the workspace's own; 404 otherwise (another workspace's too). */
  async function persona(tenant: TenantScope, id: string): Promise<PersonaDto> {
    if (BUILTIN.test(id)) return found(builtInPersona(id), "Persona");
    return toPersonaDto(found(await tenant.practice.getPersona(id), "Persona"));
  }
  async function scenario(tenant: TenantScope, id: string): Promise<ScenarioDto> {
    if (BUILTIN.test(id)) return found(builtInScenario(id), "Scenario");
    return toScenarioDto(found(await tenant.practice.getScenario(id), "Scenario"));
  }
  /** 409 for a built-in that exists, 404 for a built-in id that does not. */
  const assertEditable = (id: string, builtIn: (id: string) => unknown, what: string) => {
    if (!BUILTIN.test(id)) return;
    found(builtIn(id), what === "persona" ? "Persona" : "Scenario");
    throw readOnly(what);
  };

  return {
    persona,
    scenario,

    listPersonas: async (tenant: TenantScope) => ({ data: [...BUILTIN_PERSONAS, ...(await tenant.practice.listPersonas()).map(toPersonaDto)] }),

    async createPersona(tenant: TenantScope, actor: Actor, input: PersonaInput): Promise<PersonaDto> {
      const id = createId("practicePersona");
      const row = await tenant.transaction(async (t) => {
        const created = await t.practice.insertPersona({ id, definition: input, createdBy: actor.actorUserId });
        await t.audit.record({
          ...auditedBy(actor),
          action: "practice_persona.created",
          targetType: "practice_persona",
          targetId: id,
          metadata: auditedDefinition(input),
        });
        return created;
      });
      return toPersonaDto(row);
    },

    /** The patch over the stored persona, validated whole again (422 naming `body.…`). */
    async updatePersona(tenant: TenantScope, actor: Actor, id: string, patch: Partial<PersonaInput>): Promise<PersonaDto> {
      assertEditable(id, builtInPersona, "persona");
      const row = await tenant.transaction(async (t) => {
        const current = toPersonaDto(found(await t.practice.getPersona(id), "Persona"));
        const { id: _id, builtIn: _b, createdAt: _c, updatedAt: _u, ...definition } = current;
        const next = parseOrThrow(personaInputSchema, { ...definition, ...patch }, "body");
        const updated = found(await t.practice.updatePersona(id, next), "Persona");
        await t.audit.record({
          ...auditedBy(actor),
          action: "practice_persona.updated",
          targetType: "practice_persona",
          targetId: id,
          metadata: auditedDefinition(next, changedKeys(patch)),
        });
        return updated;
      });
      return toPersonaDto(row);
    },

    async deletePersona(tenant: TenantScope, actor: Actor, id: string): Promise<void> {
      assertEditable(id, builtInPersona, "persona");
      await tenant.transaction(async (t) => {
        const current = toPersonaDto(found(await t.practice.getPersona(id), "Persona"));
        await t.practice.deletePersona(id);
        await t.audit.record({
          ...auditedBy(actor),
          action: "practice_persona.deleted",
          targetType: "practice_persona",
          targetId: id,
          metadata: auditedDefinition(current),
        });
      });
    },

    listScenarios: async (tenant: TenantScope) => ({ data: [...BUILTIN_SCENARIOS, ...(await tenant.practice.listScenarios()).map(toScenarioDto)] }),

    async createScenario(tenant: TenantScope, actor: Actor, input: ScenarioInput): Promise<ScenarioDto> {
      if (input.personaId) await persona(tenant, input.personaId).catch(rethrowAs("body.personaId"));
      const id = createId("practiceScenario");
      const row = await tenant.transaction(async (t) => {
        const created = await t.practice.insertScenario({ id, definition: input, createdBy: actor.actorUserId });
        await t.audit.record({
          ...auditedBy(actor),
          action: "practice_scenario.created",
          targetType: "practice_scenario",
          targetId: id,
          metadata: auditedDefinition(input),
        });
        return created;
      });
      return toScenarioDto(row);
    },

    async updateScenario(tenant: TenantScope, actor: Actor, id: string, patch: Partial<ScenarioInput>): Promise<ScenarioDto> {
      assertEditable(id, builtInScenario, "scenario");
      if (patch.personaId) await persona(tenant, patch.personaId).catch(rethrowAs("body.personaId"));
      const row = await tenant.transaction(async (t) => {
        const current = toScenarioDto(found(await t.practice.getScenario(id), "Scenario"));
        const { id: _id, builtIn: _b, createdAt: _c, updatedAt: _u, ...definition } = current;
        const next = parseOrThrow(scenarioInputSchema, { ...definition, ...patch }, "body");
        const updated = found(await t.practice.updateScenario(id, next), "Scenario");
        await t.audit.record({
          ...auditedBy(actor),
          action: "practice_scenario.updated",
          targetType: "practice_scenario",
          targetId: id,
          metadata: auditedDefinition(next, changedKeys(patch)),
        });
        return updated;
      });
      return toScenarioDto(row);
    },

    async deleteScenario(tenant: TenantScope, actor: Actor, id: string): Promise<void> {
      assertEditable(id, builtInScenario, "scenario");
      await tenant.transaction(async (t) => {
        const current = toScenarioDto(found(await t.practice.getScenario(id), "Scenario"));
        await t.practice.deleteScenario(id);
        await t.audit.record({
          ...auditedBy(actor),
          action: "practice_scenario.deleted",
          targetType: "practice_scenario",
          targetId: id,
          metadata: auditedDefinition(current),
        });
      });
    },
  };
}
export type PracticeLibraryService = ReturnType<typeof createPracticeLibraryService>;

/** A suggested persona that does not exist is a bad field of the body (422), not a missing resource of the path. */
const rethrowAs =
  (path: string) =>
  (err: unknown): never => {
    if (err instanceof AppError && err.code === "not_found")
      throw new AppError("validation_failed", `${path}: no such persona`, [{ path, message: "no such persona" }]);
    throw err;
  };
