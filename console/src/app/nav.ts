// The console's sections and who sees them. What a role may not do is not offered (the API
// still refuses it). Pages add their routes in App.tsx.
import { Role } from "../auth/roles";

export interface Section {
  readonly path: string;
  readonly label: string;
  /** Roles that see this section in the navigation. */
  readonly roles: readonly string[];
}

const everyone = Object.values(Role).filter((role) => role !== Role.plant);

export const sections: readonly Section[] = [
  { path: "/sites", label: "Sites", roles: everyone },
  { path: "/rollouts", label: "Rollouts", roles: [Role.architect, Role.qa, Role.executive, Role.auditor, Role.siteAdmin] },
  { path: "/templates", label: "Templates", roles: everyone },
  { path: "/my-site", label: "My site", roles: [Role.siteAdmin, Role.architect] },
  { path: "/inbox", label: "Awaiting my signature", roles: [Role.qa, Role.architect] },
  { path: "/transfers", label: "Transfers", roles: [Role.npi, Role.architect, Role.qa, Role.executive, Role.auditor] },
  { path: "/audit", label: "Audit trail", roles: [Role.auditor, Role.qa] },
];

export function sectionsFor(roles: readonly string[]): Section[] {
  return sections.filter((section) => section.roles.some((role) => roles.includes(role)));
}

/** Where a role starts after sign-in. */
export function homeFor(roles: readonly string[]): string {
  if (roles.includes(Role.siteAdmin)) return "/my-site";
  if (roles.includes(Role.qa)) return "/inbox";
  if (roles.includes(Role.npi)) return "/transfers";
  if (roles.includes(Role.auditor)) return "/audit";
  if (roles.includes(Role.architect)) return "/rollouts";
  return "/sites";
}
