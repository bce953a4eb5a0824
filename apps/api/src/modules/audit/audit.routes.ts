import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";

const auditEntrySchema = z.object({
  id: z.string(),
  action: z.string(),
  actorUserId: z.string().nullable(),
  actorKeyId: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  metadata: z.unknown(),
  createdAt: z.string(),
});

export const auditRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver }> = async (app, { principals }) => {
  app.get(
    "",
    {
      preHandler: principals.authorize("admin"),
      schema: { tags: ["audit"], summary: "Recent audit log entries", querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }), response: { 200: z.object({ data: z.array(auditEntrySchema) }) } },
    },
    async (request) => ({
      data: (await tenantOf(request).audit.list(request.query.limit)).map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    }),
  );
};
