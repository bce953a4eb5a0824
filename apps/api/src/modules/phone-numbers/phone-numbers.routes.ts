import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError, createId, createPhoneNumberBodySchema, idSchema, notFound, phoneNumberSchema, updatePhoneNumberBodySchema, type PhoneNumberDto } from "@orbis/contracts";
import { sqlStateOf, type PhoneNumberRow, type TenantScope } from "@orbis/db";
import { actorOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";

const toPhoneNumberDto = (r: PhoneNumberRow): PhoneNumberDto => ({
  id: r.id,
  number: r.number,
  provider: r.provider,
  agentId: r.agentId,
  label: r.label,
  escalationNumber: r.escalationNumber,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

const params = z.object({ id: idSchema("phoneNumber") });

async function agentOrThrow(tenant: TenantScope, agentId: string | null | undefined) {
  if (agentId && !(await tenant.agents.get(agentId))) throw notFound("Agent");
}

/** A number is one workspace's: the carrier sends only the dialled number, so it must resolve to one tenant. */
function conflictOnDuplicate(error: unknown): never {
  if (sqlStateOf(error) === "23505") throw new AppError("conflict", "This number is already connected to a workspace");
  throw error;
}

export const phoneNumbersRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver }> = async (app, { principals }) => {
  const tags = ["phone-numbers"];
  const admin = principals.authorize("admin");
  const viewer = principals.authorize("viewer");

  app.get("", { preHandler: viewer, schema: { tags, summary: "List the workspace's phone numbers", response: { 200: z.object({ data: z.array(phoneNumberSchema) }) } } }, async (request) => ({
    data: (await tenantOf(request).phoneNumbers.list()).map(toPhoneNumberDto),
  }));

  app.post("", { preHandler: admin, schema: { tags, summary: "Connect a number to an agent", body: createPhoneNumberBodySchema, response: { 201: phoneNumberSchema } } }, async (request, reply) => {
    const tenant = tenantOf(request);
    await agentOrThrow(tenant, request.body.agentId);
    const row = await tenant.phoneNumbers.insert({ id: createId("phoneNumber"), ...request.body }).catch(conflictOnDuplicate);
    await tenant.audit.record({ ...actorOf(request), action: "phone_number.created", targetType: "phone_number", targetId: row.id, metadata: { number: row.number, provider: row.provider } });
    return reply.status(201).send(toPhoneNumberDto(row));
  });

  app.get("/:id", { preHandler: viewer, schema: { tags, summary: "Get a phone number", params, response: { 200: phoneNumberSchema } } }, async (request) => {
    const row = await tenantOf(request).phoneNumbers.get(request.params.id);
    if (!row) throw notFound("Phone number");
    return toPhoneNumberDto(row);
  });

  app.patch("/:id", { preHandler: admin, schema: { tags, summary: "Route a number to another agent, relabel it", params, body: updatePhoneNumberBodySchema, response: { 200: phoneNumberSchema } } }, async (request) => {
    const tenant = tenantOf(request);
    await agentOrThrow(tenant, request.body.agentId);
    const row = await tenant.phoneNumbers.update(request.params.id, request.body);
    if (!row) throw notFound("Phone number");
    await tenant.audit.record({ ...actorOf(request), action: "phone_number.updated", targetType: "phone_number", targetId: row.id });
    return toPhoneNumberDto(row);
  });

  app.delete("/:id", { preHandler: admin, schema: { tags, summary: "Disconnect a number", params } }, async (request, reply) => {
    const tenant = tenantOf(request);
    if (!(await tenant.phoneNumbers.remove(request.params.id))) throw notFound("Phone number");
    await tenant.audit.record({ ...actorOf(request), action: "phone_number.deleted", targetType: "phone_number", targetId: request.params.id });
    return reply.status(204).send();
  });
};
