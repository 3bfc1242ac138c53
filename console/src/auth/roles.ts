// The platform's roles (platform/coe/auth/principal.py Role), as the token names them.
export const Role = {
  architect: "coe_architect",
  siteAdmin: "site_admin",
  executive: "executive",
  npi: "npi_engineer",
  qa: "qa_approver",
  auditor: "auditor",
  plant: "plant",
} as const;
export type RoleName = (typeof Role)[keyof typeof Role];

export const roleLabels: Record<string, string> = {
  coe_architect: "COE architect",
  site_admin: "Site admin",
  executive: "Executive",
  npi_engineer: "NPI engineer",
  qa_approver: "QA approver",
  auditor: "Auditor",
  plant: "Plant instance",
};
