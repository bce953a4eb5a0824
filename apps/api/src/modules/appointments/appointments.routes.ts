import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  appointmentSchema,
  availabilityQuerySchema,
  availabilitySchema,
  cancelAppointmentBodySchema,
  createAppointmentBodySchema,
  idSchema,
  listAppointmentsQuerySchema,
  pageSchema,
  updateAppointmentBodySchema,
} from "@orbis/contracts";
import { actorFrom } from "../../lib/actor.ts";
import { principalOf, tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { AppointmentsService } from "./appointments.service.ts";

const params = z.object({ id: idSchema("appointment") });

export const appointmentsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; appointments: AppointmentsService }> = async (
  app,
  { principals, appointments },
) => {
  const tags = ["appointments"];
  const read = principals.authorize("viewer");
  const operate = principals.authorize("staff");

  app.get(
    "",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "List appointments by day or range (by start), agent and status",
        querystring: listAppointmentsQuerySchema,
        response: { 200: pageSchema(appointmentSchema) },
      },
    },
    async (request) => appointments.list(tenantOf(request), request.query),
  );

  app.get(
    "/availability",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "Free start times for a service of an agent's business",
        querystring: availabilityQuerySchema.extend({ agentId: idSchema("agent") }),
        response: { 200: availabilitySchema },
      },
    },
    async (request) => appointments.availability(tenantOf(request), request.query),
  );

  app.post(
    "",
    {
      preHandler: operate,
      schema: { tags, summary: "Book an appointment (409 when the time is taken)", body: createAppointmentBodySchema, response: { 201: appointmentSchema } },
    },
    async (request, reply) => {
      const source = principalOf(request).kind === "session" ? "dashboard" : "api";
      return reply.status(201).send(await appointments.create(tenantOf(request), actorFrom(request), request.body, source));
    },
  );

  app.get("/:id", { preHandler: read, schema: { tags, summary: "Get an appointment", params, response: { 200: appointmentSchema } } }, async (request) =>
    appointments.get(tenantOf(request), request.params.id),
  );

  app.patch(
    "/:id",
    {
      preHandler: operate,
      schema: {
        tags,
        summary: "Move or edit a booked appointment, or mark it completed / no-show",
        params,
        body: updateAppointmentBodySchema,
        response: { 200: appointmentSchema },
      },
    },
    async (request) => appointments.update(tenantOf(request), actorFrom(request), request.params.id, request.body),
  );

  app.post(
    "/:id/cancel",
    {
      preHandler: operate,
      schema: {
        tags,
        summary: "Cancel an appointment (idempotent)",
        params,
        body: cancelAppointmentBodySchema.optional(),
        response: { 200: appointmentSchema },
      },
    },
    async (request) => appointments.cancel(tenantOf(request), actorFrom(request), request.params.id, request.body?.reason),
  );
};
