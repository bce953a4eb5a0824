import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { credentialMetadataSchema, credentialProviderSchema } from "@orbis/contracts";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { credentialListSchema, credentialTestResultSchema } from "./credentials.schemas.ts";
import type { CredentialsService } from "./credentials.service.ts";

const params = z.object({ provider: credentialProviderSchema });

/** `/v1/credentials[/:provider]`: list, set (write-only), read metadata, test, delete. Secrets never leave after PUT. */
export const credentialsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; credentials: CredentialsService }> = async (
  app,
  { principals, credentials },
) => {
  const tags = ["credentials"];
  const admin = principals.authorize("admin");

  app.get(
    "",
    {
      preHandler: admin,
      schema: { tags, summary: "The providers the workspace has credentials for, with non-secret hints", response: { 200: credentialListSchema } },
    },
    async (request) => ({ data: await credentials.list(tenantOf(request)) }),
  );

  app.post(
    "/:provider/test",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "Check the stored credentials: an AI vendor's key with its health check (401 told from unreachable), a carrier's by format",
        params,
        response: { 200: credentialTestResultSchema },
      },
    },
    async (request) => credentials.test(tenantOf(request), request.params.provider),
  );

  // The body's schema depends on the provider: the service checks it against that provider's.
  app.put(
    "/:provider",
    {
      preHandler: admin,
      schema: {
        tags,
        summary: "Store a provider's credentials (encrypted; never returned)",
        params,
        body: z.record(z.string(), z.unknown()),
        response: { 200: credentialMetadataSchema },
      },
    },
    async (request) => credentials.put(tenantOf(request), actorFrom(request), request.params.provider, request.body),
  );

  app.get(
    "/:provider",
    { preHandler: admin, schema: { tags, summary: "Whether credentials are set, with non-secret hints", params, response: { 200: credentialMetadataSchema } } },
    async (request) => credentials.metadata(tenantOf(request), request.params.provider),
  );

  app.delete("/:provider", { preHandler: admin, schema: { tags, summary: "Delete a provider's credentials", params } }, async (request, reply) => {
    await credentials.remove(tenantOf(request), actorFrom(request), request.params.provider);
    return reply.status(204).send();
  });
};
