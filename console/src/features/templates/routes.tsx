// Routes of the Templates section (mounted under /templates by src/app/App.tsx).
import "./templates.css";

import type { RouteObject } from "react-router";

import { TemplateDiffPage } from "./TemplateDiffPage";
import { TemplateList } from "./TemplateList";
import { TemplateCurrent, TemplateVersionPage } from "./TemplateVersionPage";
import { UpgradeImpactPage } from "./UpgradeImpactPage";

export const routes: RouteObject[] = [
  { index: true, element: <TemplateList /> },
  { path: ":key", element: <TemplateCurrent /> },
  { path: ":key/diff", element: <TemplateDiffPage /> },
  { path: ":key/impact", element: <UpgradeImpactPage /> },
  { path: ":key/:version", element: <TemplateVersionPage /> },
];
