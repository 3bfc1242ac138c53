// Auditor — Audit trail (/audit): the search, and one record at /audit/:seq.
import type { RouteObject } from "react-router";

import "./audit.css";
import { AuditPage } from "./AuditPage";
import { AuditRecordPage } from "./AuditRecordPage";

export const routes: RouteObject[] = [
  { index: true, element: <AuditPage /> },
  { path: ":seq", element: <AuditRecordPage /> },
];
