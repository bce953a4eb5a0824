import type { TenantScope, WorkspaceRow } from "@orbis/db";
import { found } from "../../lib/found.ts";
import { toWorkspaceDto } from "./workspaces.mappers.ts";

/** The workspace's own settings (members and invitations: `members.service.ts`). */
export function createWorkspacesService() {
  return {
    get: async (tenant: TenantScope) => toWorkspaceDto(found(await tenant.workspace.get(), "Workspace")),
    update: async (tenant: TenantScope, values: Partial<Pick<WorkspaceRow, "name" | "timezone">>) =>
      toWorkspaceDto(found(await tenant.workspace.update(values), "Workspace")),
  };
}
export type WorkspacesService = ReturnType<typeof createWorkspacesService>;
