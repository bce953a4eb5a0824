import type { MessageRow, TenantScope } from "@orbis/db";
import { toMessageDto } from "@orbis/agent-runtime";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { decodeCursor, pageOf } from "../../lib/cursor.ts";
import { found } from "../../lib/found.ts";
import type { ListMessagesQuery } from "./messages.schemas.ts";

/** The inbox: messages agents took for the business. */
export function createMessagesService() {
  return {
    /** Newest first; one row more than asked tells whether a next page exists. */
    async list(tenant: TenantScope, q: ListMessagesQuery) {
      const after = q.cursor ? decodeCursor(q.cursor) : undefined;
      const rows = await tenant.messages.list({
        limit: q.limit + 1,
        ...(q.status ? { status: q.status } : {}),
        ...(q.agentId ? { agentId: q.agentId } : {}),
        ...(after ? { after: { createdAt: after.date, id: after.id } } : {}),
      });
      const page = pageOf(rows, q.limit, (m) => ({ at: m.createdAt, id: m.id }));
      return { data: page.rows.map(toMessageDto), nextCursor: page.nextCursor };
    },
    get: async (tenant: TenantScope, id: string) => toMessageDto(found(await tenant.messages.get(id), "Message")),
    /** Audited with the new status only (a message holds the caller's words and number). */
    setStatus: (tenant: TenantScope, actor: Actor, id: string, status: MessageRow["status"]) =>
      tenant.transaction(async (t) => {
        const row = found(await t.messages.setStatus(id, status), "Message");
        await t.audit.record({ ...auditedBy(actor), action: "message.status_changed", targetType: "message", targetId: id, metadata: { status } });
        return toMessageDto(row);
      }),
  };
}
export type MessagesService = ReturnType<typeof createMessagesService>;
