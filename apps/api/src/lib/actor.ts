import type { FastifyRequest } from "fastify";
import type { Role } from "@orbis/contracts";
import { actorOf, principalOf } from "../plugins/principal.ts";

/** Who makes a change: what services check (the role) and what the audit row records (the rest). */
export interface Actor {
  actorUserId: string | null;
  actorKeyId: string | null;
  ip: string;
  role: Role;
}

/** The actor of a request that ran behind authorize(); a publishable key acts as a viewer. */
export function actorFrom(request: FastifyRequest): Actor {
  const p = principalOf(request);
  return { ...actorOf(request), role: p.kind === "publishable_key" ? "viewer" : p.role };
}

/** The actor's columns of an audit row. */
export const auditedBy = (a: Actor) => ({ actorUserId: a.actorUserId, actorKeyId: a.actorKeyId, ip: a.ip });
