// Routes of the Rollouts section (mounted under /rollouts by src/app/App.tsx).
import type { RouteObject } from "react-router";

import "./rollouts.css";
import { NewRolloutPage } from "./NewRolloutPage";
import { RolloutPage } from "./RolloutPage";
import { RolloutsListPage } from "./RolloutsListPage";

export const routes: RouteObject[] = [
  { index: true, element: <RolloutsListPage /> },
  { path: "new", element: <NewRolloutPage /> },
  { path: ":id", element: <RolloutPage /> },
];
