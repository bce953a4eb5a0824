import { AppError } from "@orbis/contracts";
import type { TenantScope, WorkspaceRow } from "@orbis/db";
import { auditedBy, type Actor } from "../../lib/actor.ts";
import { found } from "../../lib/found.ts";
import { toWorkspaceDto } from "./workspaces.mappers.ts";

/** The workspace's own settings (members and invitations: `members.service.ts`). */
export function createWorkspacesService(deps: { twoFactorEnabled: (userId: string) => Promise<boolean> }) {
  return {
    get: async (tenant: TenantScope) => toWorkspaceDto(found(await tenant.workspace.get(), "Workspace")),
    update: (tenant: TenantScope, actor: Actor, values: Partial<Pick<WorkspaceRow, "name" | "timezone" | "smsEnabled">>) =>
      tenant.transaction(async (t) => {
        const row = found(await t.workspace.update(values), "Workspace");
        await t.audit.record({ ...auditedBy(actor), action: "workspace.updated", targetType: "workspace", targetId: t.workspaceId, metadata: { ...values } });
        return toWorkspaceDto(row);
      }),

    /**
     * An owner requires two-factor sign-in of every member (those without it are asked to enrol at
     * their next sign-in), or stops requiring it. Requiring it starts with the owner's own account.
     */
    async setTwoFactorRequired(tenant: TenantScope, actor: Actor, required: boolean) {
      if (required && !(actor.actorUserId && (await deps.twoFactorEnabled(actor.actorUserId)))) {
        throw new AppError("conflict", "Turn on two-factor sign-in for your own account before requiring it of the workspace");
      }
      return tenant.transaction(async (t) => {
        const row = found(await t.workspace.setRequireTwoFactor(required), "Workspace");
        await t.audit.record({
          ...auditedBy(actor),
          action: required ? "workspace.two_factor_required" : "workspace.two_factor_not_required",
          targetType: "workspace",
          targetId: tenant.workspaceId,
        });
        return toWorkspaceDto(row);
      });
    },
  };
}
export type WorkspacesService = ReturnType<typeof createWorkspacesService>;
