import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import { auditPageSchema, listAuditQuerySchema } from "./audit.schemas.ts";
import type { AuditService } from "./audit.service.ts";

export const auditRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; audit: AuditService }> = async (app, { principals, audit }) => {
  app.get(
    "",
    {
      preHandler: principals.authorize("admin"),
      schema: {
        tags: ["audit"],
        summary: "Audit log entries, newest first, filtered by actor, action, target type and time (cursor paging)",
        querystring: listAuditQuerySchema,
        response: { 200: auditPageSchema },
      },
    },
    async (request) => audit.page(tenantOf(request), request.query),
  );
};
