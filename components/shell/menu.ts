/** The console's menus, mirroring the source document's paths (Avi Vantage). */
export interface MenuLink {
  label: string;
  href: string;
}
export interface MenuSection {
  label: string;
  /** Intermediate path segments shown as sub-headings, e.g. "Security" under Templates. */
  groups: { label: string | null; links: MenuLink[] }[];
}

export const MENU: MenuSection[] = [
  {
    label: "Applications",
    groups: [{ label: null, links: [{ label: "Virtual Services", href: "/applications/virtual-services" }] }],
  },
  {
    label: "Templates",
    groups: [
      {
        label: "Security",
        links: [
          { label: "HSM Groups", href: "/templates/security/hsm-groups" },
          { label: "SSL/TLS Certificates", href: "/templates/security/ssl-certificates" },
        ],
      },
    ],
  },
  {
    label: "Infrastructure",
    groups: [
      {
        label: "Cloud › Default-Cloud",
        links: [
          {
            label: "Service Engine Groups",
            href: "/infrastructure/clouds/default-cloud/service-engine-groups",
          },
        ],
      },
    ],
  },
  {
    label: "Administration",
    groups: [
      {
        label: "Settings",
        links: [
          { label: "Upload HSM Packages", href: "/administration/settings/hsm-packages" },
          { label: "Console Certificate", href: "/administration/settings/console-certificate" },
        ],
      },
      {
        label: null,
        links: [
          { label: "Users", href: "/administration/users" },
          { label: "Audit log", href: "/administration/audit-log" },
          { label: "Cluster", href: "/administration/cluster" },
          { label: "API tokens", href: "/administration/api-tokens" },
          { label: "API reference", href: "/administration/api-reference" },
          { label: "Backup", href: "/administration/backup" },
        ],
      },
    ],
  },
];
