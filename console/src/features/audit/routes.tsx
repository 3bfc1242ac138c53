// Routes of this section (mounted under /audit by src/app/App.tsx). Its pages are not built yet:
// the page says so and names the command that does the work today.
import type { RouteObject } from "react-router";

import { Page } from "../../components/Page";
import { Empty } from "../../components/States";

export const routes: RouteObject[] = [
  {
    path: "*",
    element: (
      <Page title="Audit trail">
        <Empty>
          This page of the console is not built yet. Today: <code>coe audit log</code> (see the README).
        </Empty>
      </Page>
    ),
  },
];
