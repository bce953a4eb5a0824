import type { MemberDto, UserDto, WorkspaceDto } from "@orbis/contracts";
import type { InvitationRow, MemberRow, UserRow, WorkspaceRow } from "@orbis/db";

export const toUserDto = (u: UserRow): UserDto => ({
  id: u.id,
  email: u.email,
  name: u.name,
  status: u.status,
  createdAt: u.createdAt.toISOString(),
});

export const toWorkspaceDto = (w: WorkspaceRow): WorkspaceDto => ({
  id: w.id,
  name: w.name,
  slug: w.slug,
  timezone: w.timezone,
  requireTwoFactor: w.requireTwoFactor,
  smsEnabled: w.smsEnabled,
  createdAt: w.createdAt.toISOString(),
});

export const toMemberDto = (m: MemberRow): MemberDto => ({
  userId: m.userId,
  email: m.email,
  name: m.name,
  role: m.role,
  status: m.status,
  joinedAt: m.joinedAt.toISOString(),
});

export const toInvitationDto = (i: InvitationRow) => ({
  id: i.id,
  email: i.email,
  role: i.role,
  expiresAt: i.expiresAt.toISOString(),
  acceptedAt: i.acceptedAt?.toISOString() ?? null,
});
