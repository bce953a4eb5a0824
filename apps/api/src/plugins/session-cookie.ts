import type { FastifyReply } from "fastify";
import type { AppConfig } from "@orbis/config";
import { SESSION_COOKIE, SESSION_TTL_SEC } from "@orbis/auth";

/** The dashboard session cookie: httpOnly, SameSite=Lax, Secure whenever the platform is served over https. */
export function sessionCookieSetter(config: AppConfig) {
  const secure = config.env === "production" || (config.publicBaseUrl ?? "").startsWith("https://");
  return (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: SESSION_TTL_SEC });
}
