// Pages behind it need a session; without one the user signs in and comes back here.
import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router";

import { useAuth } from "./AuthContext";
import { signInPath } from "./session";

export function RequireSession({ children }: { readonly children: ReactNode }) {
  const { session } = useAuth();
  const location = useLocation();
  if (!session)
    return (
      <Navigate to={signInPath(location.pathname + location.search)} replace />
    );
  return <>{children}</>;
}

/** A page only some roles may open: others are told so (the API refuses them anyway). */
export function RequireRole({
  roles,
  children,
}: {
  readonly roles: readonly string[];
  readonly children: ReactNode;
}) {
  const { session } = useAuth();
  if (!session?.roles.some((role) => roles.includes(role))) {
    return (
      <div className="state state-error" role="alert">
        This page is for: {roles.join(", ")}. Your roles:{" "}
        {session?.roles.join(", ") || "none"}.
      </div>
    );
  }
  return <>{children}</>;
}
