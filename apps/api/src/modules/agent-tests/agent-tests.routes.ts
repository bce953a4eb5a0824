import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  idSchema,
  startTestRunBodySchema,
  testRunSchema,
  testRunsQuerySchema,
  testRunSummarySchema,
  testScenarioBodySchema,
  testScenarioSchema,
  updateTestScenarioBodySchema,
} from "@orbis/contracts";
import { actorFrom } from "../../lib/actor.ts";
import { tenantOf, type PrincipalResolver } from "../../plugins/principal.ts";
import type { AgentTestsService } from "./agent-tests.service.ts";

const agentParams = z.object({ id: idSchema("agent") });
const scenarioParams = agentParams.extend({ scenarioId: idSchema("testScenario") });
const runParams = agentParams.extend({ runId: idSchema("testRun") });

export const agentTestsRoutes: FastifyPluginAsyncZod<{ principals: PrincipalResolver; agentTests: AgentTestsService }> = async (
  app,
  { principals, agentTests },
) => {
  const tags = ["agent tests"];
  const read = principals.authorize("viewer");
  const operate = principals.authorize("staff");
  const configure = principals.authorize("admin");

  app.get(
    "/:id/test-scenarios",
    {
      preHandler: read,
      schema: { tags, summary: "The agent's test scenarios", params: agentParams, response: { 200: z.object({ data: z.array(testScenarioSchema) }) } },
    },
    async (request) => ({ data: await agentTests.listScenarios(tenantOf(request), request.params.id) }),
  );

  app.post(
    "/:id/test-scenarios",
    {
      preHandler: configure,
      schema: {
        tags,
        summary: "Add a test scenario: what the caller says, line by line, and what the call must leave",
        params: agentParams,
        body: testScenarioBodySchema,
        response: { 201: testScenarioSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await agentTests.createScenario(tenantOf(request), actorFrom(request), request.params.id, request.body)),
  );

  app.patch(
    "/:id/test-scenarios/:scenarioId",
    {
      preHandler: configure,
      schema: { tags, summary: "Update a test scenario", params: scenarioParams, body: updateTestScenarioBodySchema, response: { 200: testScenarioSchema } },
    },
    async (request) => agentTests.updateScenario(tenantOf(request), actorFrom(request), request.params.id, request.params.scenarioId, request.body),
  );

  app.delete(
    "/:id/test-scenarios/:scenarioId",
    { preHandler: configure, schema: { tags, summary: "Delete a test scenario", params: scenarioParams } },
    async (request, reply) => {
      await agentTests.deleteScenario(tenantOf(request), actorFrom(request), request.params.id, request.params.scenarioId);
      return reply.status(204).send();
    },
  );

  app.post(
    "/:id/test-runs",
    {
      preHandler: operate,
      schema: {
        tags,
        summary: "Run the agent's test suite against its draft (or a published `version`)",
        description:
          "Every scenario is a simulated phone call on an in-memory calendar and message box (nothing real is booked or sent), on the next Monday at 09:00 in the business's time zone. The run is stored with each scenario's transcript. 409 when the agent has no scenarios.",
        params: agentParams,
        body: startTestRunBodySchema,
        response: { 201: testRunSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await agentTests.startRun(tenantOf(request), actorFrom(request), request.params.id, request.body?.version)),
  );

  app.get(
    "/:id/test-runs",
    {
      preHandler: read,
      schema: {
        tags,
        summary: "Runs of the agent's suite, newest first (without their transcripts)",
        params: agentParams,
        querystring: testRunsQuerySchema,
        response: { 200: z.object({ data: z.array(testRunSummarySchema) }) },
      },
    },
    async (request) => ({ data: await agentTests.listRuns(tenantOf(request), request.params.id, request.query.limit) }),
  );

  app.get(
    "/:id/test-runs/:runId",
    { preHandler: read, schema: { tags, summary: "One run with every scenario's result and transcript", params: runParams, response: { 200: testRunSchema } } },
    async (request) => agentTests.getRun(tenantOf(request), request.params.id, request.params.runId),
  );
};
