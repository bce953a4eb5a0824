import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";
import { roleAtLeast, type Role, type UserDto, type WorkspaceDto } from "@orbis/contracts";
import { api, ApiError } from "./api.ts";
import { Spinner } from "../components/ui.tsx";

export interface Me {
  user: UserDto;
  workspace: WorkspaceDto;
  role: Role;
  twoFactorEnabled: boolean;
  /** False until the user opens the link of the verification email (the dashboard shows a banner). */
  emailVerified?: boolean;
}

export function useMe() {
  return useQuery({
    queryKey: ["me"],
    queryFn: async () => {
      try {
        return await api<Me>("/v1/auth/me");
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}

/** Role check for the UI only; the API enforces the same rule (docs/architecture.md). */
export function useCan(needed: Role): boolean {
  const me = useMe().data;
  return !!me && roleAtLeast(me.role, needed);
}

export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Spinner label="Loading your workspace" />;
  if (!me.data) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return <>{children}</>;
}

export function useSignOut() {
  const qc = useQueryClient();
  return async () => {
    await api("/v1/auth/logout", { method: "POST", body: {} }).catch(() => {});
    qc.setQueryData(["me"], null);
    qc.removeQueries({ predicate: (q) => q.queryKey[0] !== "me" });
  };
}
