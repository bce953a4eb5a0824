import { AppError, notFound } from "@orbis/contracts";
import type { TenantScope } from "@orbis/db";
import { toMessageDto } from "./db-message-sink.ts";

type Status = "new" | "read" | "done";

const encodeCursor = (m: { createdAt: Date; id: string }) => Buffer.from(`${m.createdAt.toISOString()}|${m.id}`).toString("base64url");
function decodeCursor(cursor: string) {
  const [iso, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(iso ?? "");
  if (!id || Number.isNaN(createdAt.getTime())) throw new AppError("validation_failed", "query.cursor: not a valid cursor", [{ path: "query.cursor", message: "not a valid cursor" }]);
  return { createdAt, id };
}

export const messagesService = {
  async list(tenant: TenantScope, q: { status?: Status | undefined; agentId?: string | undefined; limit: number; cursor?: string | undefined }) {
    const rows = await tenant.messages.list({
      limit: q.limit + 1,
      ...(q.status ? { status: q.status } : {}),
      ...(q.agentId ? { agentId: q.agentId } : {}),
      ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}),
    });
    const page = rows.slice(0, q.limit);
    return { data: page.map(toMessageDto), nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1]!) : null };
  },
  async get(tenant: TenantScope, id: string) {
    const row = await tenant.messages.get(id);
    if (!row) throw notFound("Message");
    return toMessageDto(row);
  },
  async setStatus(tenant: TenantScope, id: string, status: Status) {
    const row = await tenant.messages.setStatus(id, status);
    if (!row) throw notFound("Message");
    return toMessageDto(row);
  },
};
