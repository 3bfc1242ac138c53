// Routes of the Validation section (mounted under /validation by src/app/App.tsx).
import "./validation.css";

import type { RouteObject } from "react-router";

import { ValidationPage } from "./ValidationPage";

export const routes: RouteObject[] = [{ path: ":template/:version", element: <ValidationPage /> }];
