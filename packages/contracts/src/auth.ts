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

/** An owner or admin makes a one-time reset link for a member (until the server sends email). */
export const passwordResetLinkBodySchema = z.object({ userId: idSchema("user") });
export const passwordResetLinkSchema = z.object({ url: z.string(), expiresAt: z.string() });
export type PasswordResetLinkDto = z.infer<typeof passwordResetLinkSchema>;
export const completePasswordResetBodySchema = z.object({ token: z.string().min(20).max(200), password: passwordSchema });
export const changePasswordBodySchema = z.object({ currentPassword: z.string().min(1).max(200), newPassword: passwordSchema });
export const passwordChangedSchema = z.object({ sessionsEnded: z.number().int() });

export const workspaceSchema = z.object({
  id: idSchema("workspace"),
  name: z.string(),
  slug: z.string(),
  timezone: z.string(),
  /** Members without two-factor sign-in are asked to enrol at their next sign-in. */
  requireTwoFactor: z.boolean(),
  /** Text messages to callers (booking confirmation, 24 h reminder) through the workspace's carrier. */
  smsEnabled: z.boolean(),
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
    smsEnabled: z.boolean(),
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
  /** Whether the user signs in with a TOTP code as well as the password. */
  twoFactorEnabled: z.boolean(),
  /** Whether the user opened the link of the verification email (the dashboard shows a banner until then). */
  emailVerified: z.boolean(),
});

/**
 * The answer to a correct password when a second step is needed: `code` (the user has an
 * authenticator) or `enroll` (the workspace requires one and the user has none yet). The challenge
 * token is good for five minutes, for that second step only.
 */
export const twoFactorChallengeSchema = z.object({
  twoFactor: z.enum(["code", "enroll"]),
  challengeToken: z.string(),
  expiresAt: z.string(),
});
export type TwoFactorChallengeDto = z.infer<typeof twoFactorChallengeSchema>;

/** What signing in answers (login, accepting an invitation): a session, or the second step it needs. */
export const signInResultSchema = z.union([sessionSchema, twoFactorChallengeSchema]);
export type SignInResultDto = z.infer<typeof signInResultSchema>;

/** A TOTP code (6 digits) or a recovery code (`xxxx-xxxx-xxxx-xxxx`). */
export const twoFactorCodeSchema = z.string().trim().min(6).max(40);
export const challengeTokenSchema = z.string().min(20).max(2000);

export const twoFactorLoginBodySchema = z.object({ challengeToken: challengeTokenSchema, code: twoFactorCodeSchema });
export const challengeBodySchema = z.object({ challengeToken: challengeTokenSchema });
export const twoFactorCodeBodySchema = z.object({ code: twoFactorCodeSchema });

/** A new authenticator's secret: the `otpauth://` URI (for a QR code) and the key to type by hand. */
export const twoFactorSetupSchema = z.object({ secret: z.string(), otpauthUri: z.string() });
/** Shown once, when two-factor sign-in is turned on; each signs in once in place of a code. */
export const recoveryCodesSchema = z.object({ recoveryCodes: z.array(z.string()) });
/** Enrolling at sign-in ends with a session and the recovery codes. */
export const enrolledSessionSchema = sessionSchema.extend({ recoveryCodes: z.array(z.string()) });

export const twoFactorStatusSchema = z.object({
  enabled: z.boolean(),
  /** An enrolment was started and waits for its first code. */
  pending: z.boolean(),
  recoveryCodesLeft: z.number().int(),
  /** The current workspace requires two-factor sign-in. */
  requiredByWorkspace: z.boolean(),
});
export type TwoFactorStatusDto = z.infer<typeof twoFactorStatusSchema>;

export const sessionIdSchema = z.string().regex(/^ses_[0-9a-z]{8,40}$/, "must be a session id (ses_…)");

/** One of the caller's dashboard sessions (`GET /v1/auth/sessions`). */
export const userSessionSchema = z.object({
  id: sessionIdSchema,
  workspaceId: z.string(),
  workspaceName: z.string(),
  userAgent: z.string(),
  ip: z.string().nullable(),
  createdAt: z.string(),
  lastSeenAt: z.string(),
  expiresAt: z.string(),
  /** The session this request was made with. */
  current: z.boolean(),
});
export type UserSessionDto = z.infer<typeof userSessionSchema>;

export const requireTwoFactorBodySchema = z.object({ required: z.boolean() });
