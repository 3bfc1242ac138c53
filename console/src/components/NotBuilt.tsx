// A section whose pages are not built yet: its page says so and names the command that does
// the work today. Mounted under the section's path by src/app/App.tsx.
import type { RouteObject } from "react-router";

import { Page } from "./Page";
import { Empty } from "./States";

export function notBuilt(title: string, command: string): RouteObject[] {
  return [
    {
      path: "*",
      element: (
        <Page title={title}>
          <Empty>
            This page of the console is not built yet. Today: <code>{command}</code> (see the
            README).
          </Empty>
        </Page>
      ),
    },
  ];
}
