import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { callSchema } from "@orbis/contracts";
import { placeCallBodySchema } from "@orbis/telephony";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { OutboundCallsService } from "./outbound-calls.service.ts";

/** `POST /v1/calls`: the agent calls a number from one of the workspace's numbers (staff and above). */
export const outboundCallsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; outbound: OutboundCallsService }> = async (
  app,
  { principals, outbound },
) => {
  app.post(
    "/calls",
    {
      preHandler: principals.authorize("staff"),
      schema: {
        tags: ["calls"],
        summary: "Place an outbound call: the agent calls `to` from one of the workspace's numbers (202; status follows the carrier's callbacks)",
        body: placeCallBodySchema,
        response: { 202: callSchema },
      },
    },
    async (request, reply) => reply.status(202).send(await outbound.place(tenantOf(request), request.body)),
  );
};
