import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError, credentialMetadataSchema, credentialProviderSchema, credentialValueSchemas, notFound } from "@orbis/contracts";
import { actorOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { CredentialsService } from "./credentials.service.ts";

const params = z.object({ provider: credentialProviderSchema });

/** `/v1/credentials/:provider`: set (write-only), read metadata, delete. Secrets never leave after PUT. */
export const credentialsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; credentials: CredentialsService }> = async (app, { principals, credentials }) => {
  const tags = ["credentials"];
  const admin = principals.authorize("admin");

  app.put(
    "/:provider",
    { preHandler: admin, schema: { tags, summary: "Store a provider's credentials (encrypted; never returned)", params, body: z.record(z.string(), z.unknown()), response: { 200: credentialMetadataSchema } } },
    async (request) => {
      const { provider } = request.params;
      const parsed = credentialValueSchemas[provider].safeParse(request.body);
      if (!parsed.success) {
        const details = parsed.error.issues.map((i) => ({ path: ["body", ...i.path].join("."), message: i.message }));
        throw new AppError("validation_failed", `${details[0]!.path}: ${details[0]!.message}`, details);
      }
      const values = parsed.data;
      const tenant = tenantOf(request);
      const dto = await credentials.put(tenant, provider, values as never);
      await tenant.audit.record({ ...actorOf(request), action: "credentials.set", targetType: "credentials", targetId: provider });
      return dto;
    },
  );

  app.get("/:provider", { preHandler: admin, schema: { tags, summary: "Whether credentials are set, with non-secret hints", params, response: { 200: credentialMetadataSchema } } }, async (request) => {
    const dto = await credentials.metadata(tenantOf(request), request.params.provider);
    if (!dto) throw notFound("Credentials");
    return dto;
  });

  app.delete("/:provider", { preHandler: admin, schema: { tags, summary: "Delete a provider's credentials", params } }, async (request, reply) => {
    const tenant = tenantOf(request);
    if (!(await credentials.remove(tenant, request.params.provider))) throw notFound("Credentials");
    await tenant.audit.record({ ...actorOf(request), action: "credentials.deleted", targetType: "credentials", targetId: request.params.provider });
    return reply.status(204).send();
  });
};
