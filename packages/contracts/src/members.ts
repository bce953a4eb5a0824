import { z } from "zod";
import { emailSchema, roleSchema } from "./auth.ts";
import { idSchema } from "./ids.ts";

export const memberSchema = z.object({
  userId: idSchema("user"),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  status: z.enum(["active", "blocked"]),
  joinedAt: z.string(),
});
export type MemberDto = z.infer<typeof memberSchema>;

export const inviteBodySchema = z.object({
  email: emailSchema,
  role: roleSchema.exclude(["owner"]).default("staff"),
});

export const invitationSchema = z.object({
  id: idSchema("invitation"),
  email: z.string(),
  role: roleSchema,
  expiresAt: z.string(),
  acceptedAt: z.string().nullable(),
  /** Present only in the response that creates the invitation. */
  token: z.string().optional(),
  acceptUrl: z.string().optional(),
});

export const acceptInviteBodySchema = z.object({
  token: z.string().min(20).max(200),
  name: z.string().trim().min(1).max(120).optional(),
  password: z.string().min(8).max(200).optional(),
});

export const changeRoleBodySchema = z.object({ role: roleSchema });
export const memberStatusBodySchema = z.object({ status: z.enum(["active", "blocked"]) });
