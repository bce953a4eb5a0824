import type { FastifyError, FastifyInstance, FastifyReply } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { AppError, type ErrorCode } from "@orbis/contracts";

const CLIENT_ERROR_CODES: Partial<Record<number, ErrorCode>> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "bad_request",
  414: "bad_request",
  415: "bad_request",
  429: "rate_limited",
};

/** One mapper from anything thrown to the one error body: `{ error: { code, message, details? } }`. */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.status).send(error.toBody());
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? "request";
      const details = error.validation.map((v) => ({
        path: `${where}${v.instancePath.replaceAll("/", ".")}`,
        message: v.message ?? "invalid",
      }));
      const first = details[0]!;
      return reply.status(422).send(new AppError("validation_failed", `${first.path}: ${first.message}`, details).toBody());
    }
    const status = error.statusCode ?? 500;
    const code = CLIENT_ERROR_CODES[status];
    if (status < 500 && code) {
      return reply.status(status).send(new AppError(code, error.message).toBody());
    }
    request.log.error({ err: error }, "unhandled error");
    return reply.status(500).send(new AppError("internal", "Internal server error").toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(new AppError("not_found", `Route ${request.method} ${request.url.split("?")[0]} not found`).toBody());
  });
}

/**
 * Errors the router answers before any route or hook runs (a path that is not valid percent-encoded
 * UTF-8, a path parameter over the length limit): the same error body as everything else.
 */
export function frameworkError(error: FastifyError, _request: unknown, reply: FastifyReply) {
  const status = error.statusCode ?? 400;
  const body = status < 500 ? new AppError(CLIENT_ERROR_CODES[status] ?? "bad_request", error.message) : new AppError("internal", "Internal server error");
  reply.status(status).send(body.toBody());
}
