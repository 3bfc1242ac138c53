// Routes of the Transfers section (mounted under /transfers by src/app/App.tsx).
import type { RouteObject } from "react-router";

import "./transfers.css";
import { TransferNew } from "./TransferNew";
import { TransferPage } from "./TransferPage";
import { TransfersList } from "./TransfersList";

export const routes: RouteObject[] = [
  { index: true, element: <TransfersList /> },
  { path: "new", element: <TransferNew /> },
  { path: ":id", element: <TransferPage /> },
];
