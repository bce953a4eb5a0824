import type { FastifyRequest } from "fastify";

/** Where a sign-in comes from, as its session row records it. */
export interface Client {
  ip: string;
  userAgent: string;
}

export const clientOf = (request: FastifyRequest): Client => ({ ip: request.ip, userAgent: String(request.headers["user-agent"] ?? "").slice(0, 300) });
