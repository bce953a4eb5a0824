import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  addContactsBodySchema,
  addDoNotCallBodySchema,
  campaignContactSchema,
  campaignProgressSchema,
  outboundCampaignSchema,
  createCampaignBodySchema,
  doNotCallSchema,
  idSchema,
  importContactsQuerySchema,
  importContactsResultSchema,
  importCsvBodySchema,
  importDoNotCallBodySchema,
  listCampaignsQuerySchema,
  listContactsQuerySchema,
  listDoNotCallQuerySchema,
  pageSchema,
  updateCampaignBodySchema,
} from "@orbis/contracts";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { CampaignAction, CampaignsService } from "./campaigns.service.ts";

const params = z.object({ id: idSchema("campaign") });
const CSV_BODY_LIMIT = 3 * 1024 * 1024;

/** `/v1/campaigns`: outbound campaigns and their contacts (admins write; staff and viewers read). */
export const campaignsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; campaigns: CampaignsService }> = async (
  app,
  { principals, campaigns },
) => {
  const tags = ["campaigns"];
  const read = principals.authorize("viewer");
  const write = principals.authorize("admin");
  // A CSV upload may come as the body itself; it is then `{ csv }` with the mapping in the query.
  app.addContentTypeParser("text/csv", { parseAs: "string", bodyLimit: CSV_BODY_LIMIT }, (_req, body, done) => done(null, { csv: body }));

  app.get(
    "",
    {
      preHandler: read,
      schema: { tags, summary: "Campaigns, newest first", querystring: listCampaignsQuerySchema, response: { 200: pageSchema(outboundCampaignSchema) } },
    },
    async (request) => campaigns.list(tenantOf(request), request.query),
  );
  app.post(
    "",
    { preHandler: write, schema: { tags, summary: "Create a campaign (draft)", body: createCampaignBodySchema, response: { 201: outboundCampaignSchema } } },
    async (request, reply) => reply.status(201).send(await campaigns.create(tenantOf(request), actorFrom(request), request.body)),
  );
  app.get("/:id", { preHandler: read, schema: { tags, summary: "Get a campaign", params, response: { 200: outboundCampaignSchema } } }, async (request) =>
    campaigns.get(tenantOf(request), request.params.id),
  );
  app.patch(
    "/:id",
    {
      preHandler: write,
      schema: {
        tags,
        summary: "Change a campaign's settings (not once completed or cancelled)",
        params,
        body: updateCampaignBodySchema,
        response: { 200: outboundCampaignSchema },
      },
    },
    async (request) => campaigns.update(tenantOf(request), actorFrom(request), request.params.id, request.body),
  );
  app.delete(
    "/:id",
    { preHandler: write, schema: { tags, summary: "Delete a campaign and its contacts (409 while running)", params } },
    async (request, reply) => {
      await campaigns.delete(tenantOf(request), actorFrom(request), request.params.id);
      return reply.status(204).send();
    },
  );

  const summaries: Record<CampaignAction, string> = {
    start: "Start a draft campaign (an appointment-reminder campaign first takes tomorrow's appointments as contacts)",
    pause: "Pause a running campaign: no new calls; calls in progress finish",
    resume: "Resume a paused campaign",
    cancel: "Cancel a campaign: no further calls; calls in progress finish",
  };
  for (const action of ["start", "pause", "resume", "cancel"] as const) {
    app.post(
      `/:id/${action}`,
      { preHandler: write, schema: { tags, summary: summaries[action], params, response: { 200: outboundCampaignSchema } } },
      async (request) => campaigns.transition(tenantOf(request), actorFrom(request), request.params.id, action),
    );
  }

  app.get(
    "/:id/progress",
    { preHandler: read, schema: { tags, summary: "Contacts by status and by outcome", params, response: { 200: campaignProgressSchema } } },
    async (request) => campaigns.progress(tenantOf(request), request.params.id),
  );

  app.get(
    "/:id/contacts",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "The campaign's contacts, in the order they were added",
        params,
        querystring: listContactsQuerySchema,
        response: { 200: pageSchema(campaignContactSchema) },
      },
    },
    async (request) => campaigns.listContacts(tenantOf(request), request.params.id, request.query),
  );
  app.post(
    "/:id/contacts",
    {
      preHandler: write,
      bodyLimit: CSV_BODY_LIMIT,
      schema: {
        tags,
        summary:
          "Add contacts: JSON `{ contacts }`, or CSV (`text/csv` body with the mapping in the query, or JSON `{ csv, mapping }`). Rows with a problem are answered by row and column and left out; `?dryRun=true` previews without saving",
        params,
        querystring: importContactsQuerySchema,
        body: z.union([addContactsBodySchema, importCsvBodySchema]),
        response: { 200: importContactsResultSchema },
      },
    },
    async (request) => {
      const q = request.query;
      const body = request.body;
      if ("contacts" in body) return campaigns.addContacts(tenantOf(request), actorFrom(request), request.params.id, body, q.dryRun);
      const mapping = {
        ...body.mapping,
        ...(q.phoneColumn ? { phone: q.phoneColumn } : {}),
        ...(q.nameColumn ? { name: q.nameColumn } : {}),
        ...(q.timezoneColumn ? { timezone: q.timezoneColumn } : {}),
        ...(q.consentColumn ? { consent: q.consentColumn } : {}),
        ...(q.consentSourceColumn ? { consentSource: q.consentSourceColumn } : {}),
      };
      const consentSource = body.consentSource ?? q.consentSource;
      return campaigns.importCsv(
        tenantOf(request),
        actorFrom(request),
        request.params.id,
        { csv: body.csv, mapping, ...(consentSource ? { consentSource } : {}) },
        q.dryRun,
      );
    },
  );
  app.get(
    "/:id/results.csv",
    {
      preHandler: read,
      schema: { tags, summary: "Every contact's status and outcome as CSV", params, produces: ["text/csv"], response: { 200: z.string() } },
    },
    async (request, reply) => {
      const { filename, body } = await campaigns.resultsCsv(tenantOf(request), request.params.id);
      return reply.type("text/csv; charset=utf-8").header("content-disposition", `attachment; filename="${filename}"`).send(body);
    },
  );
};

const dncParams = z.object({ id: idSchema("doNotCall") });

/** `/v1/do-not-call`: numbers no campaign calls (workspace-wide). */
export const doNotCallRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; campaigns: CampaignsService }> = async (
  app,
  { principals, campaigns },
) => {
  const tags = ["campaigns"];
  const read = principals.authorize("viewer");
  const write = principals.authorize("admin");
  app.get(
    "",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "The do-not-call list, newest first (`?phone=` finds one number)",
        querystring: listDoNotCallQuerySchema,
        response: { 200: pageSchema(doNotCallSchema) },
      },
    },
    async (request) => campaigns.listDoNotCall(tenantOf(request), request.query),
  );
  app.post(
    "",
    {
      preHandler: write,
      schema: {
        tags,
        summary: "Add a number (201; 200 with the existing entry when listed already)",
        body: addDoNotCallBodySchema,
        response: { 200: doNotCallSchema, 201: doNotCallSchema },
      },
    },
    async (request, reply) => {
      const { created, entry } = await campaigns.addDoNotCall(tenantOf(request), actorFrom(request), request.body);
      return reply.status(created ? 201 : 200).send(entry);
    },
  );
  app.post(
    "/import",
    {
      preHandler: write,
      schema: {
        tags,
        summary: "Add many numbers (source import)",
        body: importDoNotCallBodySchema,
        response: { 200: z.object({ sent: z.number(), added: z.number() }) },
      },
    },
    async (request) => campaigns.importDoNotCall(tenantOf(request), actorFrom(request), request.body),
  );
  app.delete("/:id", { preHandler: write, schema: { tags, summary: "Take a number off the list", params: dncParams } }, async (request, reply) => {
    await campaigns.removeDoNotCall(tenantOf(request), actorFrom(request), request.params.id);
    return reply.status(204).send();
  });
};
