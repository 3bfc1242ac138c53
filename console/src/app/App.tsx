// The console's routes. Each section's pages live in src/features/<section>/routes.tsx.
import { Outlet, createBrowserRouter } from "react-router";
import type { RouteObject } from "react-router";

import { AuthCallbackPage, ReauthPage } from "../auth/AuthCallbackPage";
import { AuthProvider } from "../auth/AuthContext";
import { RequireSession } from "../auth/RequireSession";
import { SignInPage } from "../auth/SignInPage";
import { routes as audit } from "../features/audit/routes";
import { routes as inbox } from "../features/inbox/routes";
import { routes as mySite } from "../features/mysite/routes";
import { routes as rollouts } from "../features/rollouts/routes";
import { routes as sites } from "../features/sites/routes";
import { routes as templates } from "../features/templates/routes";
import { routes as transfers } from "../features/transfers/routes";
import { routes as validation } from "../features/validation/routes";
import { Layout } from "./Layout";
import { NotFoundPage, RoleHome } from "./RoleHome";

// Keep in step with CONSOLE_ROUTES in platform/coe/console.py (the API serves the app there).
export const appRoutes: RouteObject[] = [
  {
    element: (
      <AuthProvider>
        <Outlet />
      </AuthProvider>
    ),
    children: [
      { path: "/sign-in", element: <SignInPage /> },
      { path: "/auth/callback", element: <AuthCallbackPage /> },
      { path: "/auth/reauth", element: <ReauthPage /> },
      {
        element: (
          <RequireSession>
            <Layout />
          </RequireSession>
        ),
        children: [
          { index: true, element: <RoleHome /> },
          { path: "/sites", children: sites },
          { path: "/rollouts", children: rollouts },
          { path: "/templates", children: templates },
          { path: "/my-site", children: mySite },
          { path: "/inbox", children: inbox },
          { path: "/transfers", children: transfers },
          { path: "/audit", children: audit },
          { path: "/validation", children: validation },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(appRoutes);
}
