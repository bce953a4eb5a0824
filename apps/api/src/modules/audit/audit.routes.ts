import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { auditEntrySchema, listAuditQuerySchema } from "./audit.schemas.ts";
import type { AuditService } from "./audit.service.ts";

export const auditRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; audit: AuditService }> = async (app, { principals, audit }) => {
  app.get(
    "",
    {
      preHandler: principals.authorize("admin"),
      schema: {
        tags: ["audit"],
        summary: "Recent audit log entries",
        querystring: listAuditQuerySchema,
        response: { 200: z.object({ data: z.array(auditEntrySchema) }) },
      },
    },
    async (request) => ({ data: await audit.list(tenantOf(request), request.query.limit) }),
  );
};
