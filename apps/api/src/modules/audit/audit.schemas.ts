import { z } from "zod";
import { idSchema } from "@orbis/contracts";

const auditEntrySchema = z.object({
  id: z.string(),
  action: z.string(),
  actorUserId: z.string().nullable(),
  actorKeyId: z.string().nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  metadata: z.unknown(),
  createdAt: z.string(),
});
export type AuditEntryDto = z.infer<typeof auditEntrySchema>;

/** `action` and `targetType` as the services write them: `credentials.set`, `phone_number`. */
const auditName = z
  .string()
  .trim()
  .max(100)
  .regex(/^[a-z0-9_.]+$/, "must be lowercase letters, digits, dots or underscores");

export const listAuditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).optional(),
    /** Who made the change: a user (`usr_…`) or an API key (`key_…`). */
    actor: z.union([idSchema("user"), idSchema("apiKey")]).optional(),
    action: auditName.optional(),
    targetType: auditName.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: "from must be before to", path: ["from"] });
export type ListAuditQuery = z.infer<typeof listAuditQuerySchema>;

export const auditPageSchema = z.object({ data: z.array(auditEntrySchema), nextCursor: z.string().nullable() });
