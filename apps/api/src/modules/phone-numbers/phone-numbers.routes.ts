import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { createPhoneNumberBodySchema, idSchema, phoneNumberSchema, updatePhoneNumberBodySchema } from "@orbis/contracts";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { carrierSetupSchema } from "./phone-numbers.schemas.ts";
import type { PhoneNumbersService } from "./phone-numbers.service.ts";

const params = z.object({ id: idSchema("phoneNumber") });

export const phoneNumbersRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; phoneNumbers: PhoneNumbersService }> = async (
  app,
  { principals, phoneNumbers },
) => {
  const tags = ["phone-numbers"];
  const admin = principals.authorize("admin");
  const viewer = principals.authorize("viewer");

  app.get(
    "",
    { preHandler: viewer, schema: { tags, summary: "List the workspace's phone numbers", response: { 200: z.object({ data: z.array(phoneNumberSchema) }) } } },
    async (request) => ({
      data: await phoneNumbers.list(tenantOf(request)),
    }),
  );

  app.get(
    "/setup",
    {
      preHandler: viewer,
      schema: { tags, summary: "The webhook and media stream URLs to enter in the carrier's console", response: { 200: carrierSetupSchema } },
    },
    async () => phoneNumbers.setup(),
  );

  app.post(
    "",
    { preHandler: admin, schema: { tags, summary: "Connect a number to an agent", body: createPhoneNumberBodySchema, response: { 201: phoneNumberSchema } } },
    async (request, reply) => reply.status(201).send(await phoneNumbers.create(tenantOf(request), actorFrom(request), request.body)),
  );

  app.get("/:id", { preHandler: viewer, schema: { tags, summary: "Get a phone number", params, response: { 200: phoneNumberSchema } } }, async (request) =>
    phoneNumbers.get(tenantOf(request), request.params.id),
  );

  app.patch(
    "/:id",
    {
      preHandler: admin,
      schema: { tags, summary: "Route a number to another agent, relabel it", params, body: updatePhoneNumberBodySchema, response: { 200: phoneNumberSchema } },
    },
    async (request) => phoneNumbers.update(tenantOf(request), actorFrom(request), request.params.id, request.body),
  );

  app.delete("/:id", { preHandler: admin, schema: { tags, summary: "Disconnect a number", params } }, async (request, reply) => {
    await phoneNumbers.remove(tenantOf(request), actorFrom(request), request.params.id);
    return reply.status(204).send();
  });
};
