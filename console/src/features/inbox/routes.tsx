// QA — Awaiting my signature (/inbox): everything waiting for this user's e-signature.
import type { RouteObject } from "react-router";

import "./inbox.css";
import { InboxPage } from "./InboxPage";

export const routes: RouteObject[] = [{ index: true, element: <InboxPage /> }];
