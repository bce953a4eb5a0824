import Fastify, { type FastifyServerOptions } from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Registry } from "prom-client";
import { registerErrorHandler } from "./error-handler.ts";
import { registerHttpMetrics } from "./http-metrics.ts";
import { responseSerializerCompiler } from "./serializer.ts";

const REDACT = ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'];

export function loggerOptions(level: string): FastifyServerOptions["logger"] {
  return level === "silent" ? false : { level, redact: { paths: REDACT, censor: "[redacted]" } };
}

export interface ServerOptions {
  logLevel: string;
  trustProxy: boolean;
  metrics: Registry;
  logger?: FastifyServerOptions["logger"];
}

/**
 * The HTTP server every role starts from: zod validation and compiled response serializers, the one
 * error body, request ids echoed in `x-request-id`, request metrics. Roles add their routes to it.
 */
export function createServer(o: ServerOptions) {
  const app = Fastify({
    logger: o.logger ?? loggerOptions(o.logLevel),
    trustProxy: o.trustProxy,
    requestIdHeader: "x-request-id",
    genReqId: () => crypto.randomUUID(),
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  registerErrorHandler(app);
  registerHttpMetrics(app, o.metrics);
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  return app;
}
export type Server = ReturnType<typeof createServer>;
