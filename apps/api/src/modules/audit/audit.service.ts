import type { AuditFilter, TenantScope } from "@orbis/db";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { toAuditEntryDto } from "./audit.mappers.ts";
import type { ListAuditQuery } from "./audit.schemas.ts";

/** The repository's filter from the query: an actor id names a user (`usr_`) or an API key (`key_`). */
function filterOf(q: ListAuditQuery): AuditFilter {
  return {
    ...(q.actor?.startsWith("usr_") ? { actorUserId: q.actor } : {}),
    ...(q.actor?.startsWith("key_") ? { actorKeyId: q.actor } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.targetType ? { targetType: q.targetType } : {}),
    ...(q.from ? { from: new Date(q.from) } : {}),
    ...(q.to ? { to: new Date(q.to) } : {}),
  };
}

/** Reads the audit log. Rows are written by the services that make the changes, in the change's transaction. */
export function createAuditService() {
  return {
    /** Newest first, filtered, a page at a time (keyset cursor on created_at, id). */
    async page(tenant: TenantScope, q: ListAuditQuery) {
      const before = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await tenant.audit.search(filterOf(q), q.limit + 1, before && { at: before.at, id: before.id });
      const { rows: page, nextCursor } = pageOf(rows, q.limit, (r) => ({ at: r.cursorAt, id: r.id }));
      return { data: page.map(toAuditEntryDto), nextCursor };
    },
  };
}
export type AuditService = ReturnType<typeof createAuditService>;
