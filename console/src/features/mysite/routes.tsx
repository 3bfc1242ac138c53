// Routes of the My site section (mounted at /my-site by src/app/App.tsx).
import type { RouteObject } from "react-router";

import { EditorPage } from "./EditorPage";
import { MySiteIndex, MySiteRoute } from "./MySitePage";
import "./mysite.css";

export const routes: RouteObject[] = [
  { index: true, element: <MySiteIndex /> },
  { path: ":site", element: <MySiteRoute /> },
  { path: ":site/:template", element: <EditorPage /> },
];
