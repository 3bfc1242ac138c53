// The Sites section (executive): comparison (index), a site's trend, before/after, adoption.
import type { RouteObject } from "react-router";

import { AdoptionPage } from "./AdoptionPage";
import { BeforeAfterPage } from "./BeforeAfterPage";
import { ComparisonPage } from "./ComparisonPage";
import { TrendPage } from "./TrendPage";
import "./sites.css";

export const routes: RouteObject[] = [
  { index: true, element: <ComparisonPage /> },
  { path: "before-after", element: <BeforeAfterPage /> },
  { path: "adoption", element: <AdoptionPage /> },
  { path: ":site/trend", element: <TrendPage /> },
];
