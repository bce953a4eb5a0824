import { z } from "zod";
import { idSchema } from "./ids.ts";

export const ROLES = ["owner", "admin", "staff", "viewer"] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Rank for "at least" checks: owner > admin > staff > viewer. */
export const ROLE_RANK: Record<Role, number> = { owner: 4, admin: 3, staff: 2, viewer: 1 };
export const roleAtLeast = (role: Role, needed: Role) => ROLE_RANK[role] >= ROLE_RANK[needed];

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email().max(254));
export const passwordSchema = z.string().min(8, "must be at least 8 characters").max(200);

export const signupBodySchema = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().min(1).max(120),
  workspaceName: z.string().trim().min(1).max(120),
});
export type SignupBody = z.infer<typeof signupBodySchema>;

export const loginBodySchema = z.object({
  email: emailSchema,
  password: z.string().min(1).max(200),
  workspaceId: idSchema("workspace").optional(),
});

export const userSchema = z.object({
  id: idSchema("user"),
  email: z.string(),
  name: z.string(),
  status: z.enum(["active", "blocked"]),
  createdAt: z.string(),
});
export type UserDto = z.infer<typeof userSchema>;

export const workspaceSchema = z.object({
  id: idSchema("workspace"),
  name: z.string(),
  slug: z.string(),
  timezone: z.string(),
  createdAt: z.string(),
});
export type WorkspaceDto = z.infer<typeof workspaceSchema>;

export const updateWorkspaceBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    timezone: z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "must be an IANA time zone"),
  })
  .partial();

export const sessionSchema = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: userSchema,
  workspace: workspaceSchema,
  role: roleSchema,
});
export type SessionDto = z.infer<typeof sessionSchema>;

export const meSchema = z.object({
  user: userSchema,
  workspace: workspaceSchema,
  role: roleSchema,
  principal: z.enum(["session", "api_key"]),
});
