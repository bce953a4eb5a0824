import Fastify, { type FastifyServerOptions } from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Registry } from "prom-client";
import { frameworkError, registerErrorHandler } from "./error-handler.ts";
import { registerHttpMetrics } from "./http-metrics.ts";
import { registerInputGuard } from "./input-guard.ts";
import { redactingLoggerOptions } from "./log-redaction.ts";
import { responseSerializerCompiler } from "./serializer.ts";

/** The logger of every role: off when silent, else with secrets redacted (`log-redaction.ts`); `stream` is for tests. */
export function loggerOptions(level: string, stream?: { write(line: string): void }): FastifyServerOptions["logger"] {
  return level === "silent" ? false : redactingLoggerOptions(level, stream);
}

export interface ServerOptions {
  logLevel: string;
  trustProxy: boolean;
  metrics: Registry;
  logger?: FastifyServerOptions["logger"];
}

/**
 * The HTTP server every role starts from: zod validation and compiled response serializers, the one
 * error body, request ids echoed in `x-request-id`, request metrics, and the input limits every route
 * gets (body size 1 MiB → 413; nesting, NUL and lone surrogates → 422, `input-guard.ts`). Roles add
 * their routes to it.
 */
export function createServer(o: ServerOptions) {
  const app = Fastify({
    logger: o.logger ?? loggerOptions(o.logLevel),
    trustProxy: o.trustProxy,
    requestIdHeader: "x-request-id",
    genReqId: () => crypto.randomUUID(),
    bodyLimit: 1024 * 1024,
    frameworkErrors: frameworkError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(responseSerializerCompiler);
  registerErrorHandler(app);
  registerInputGuard(app);
  registerHttpMetrics(app, o.metrics);
  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });
  return app;
}
export type Server = ReturnType<typeof createServer>;
