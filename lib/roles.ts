export const ROLES = ["admin", "security-admin", "operator", "read-only"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrator",
  "security-admin": "Security administrator (HSM and certificates)",
  operator: "Operator (virtual services)",
  "read-only": "Read-only",
};

/** What a role may change; every role may read its tenant's configuration. */
export type Area = "administration" | "security" | "operations";

const AREAS: Record<Role, readonly Area[]> = {
  admin: ["administration", "security", "operations"],
  "security-admin": ["security"],
  operator: ["operations"],
  "read-only": [],
};

export function canChange(role: Role, area: Area): boolean {
  return AREAS[role].includes(area);
}
