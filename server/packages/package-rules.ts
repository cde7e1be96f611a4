/**
 * What each vendor bundle must contain. A rule recognises a member by its file name (the
 * basename: bundles are usually flat, but a top folder is tolerated) and extracts its version.
 */
export type HsmPackageType = "safenet" | "thales" | "cloudhsm";

export interface MemberMatch {
  /** The required/known component this member provides, e.g. "libcryptoki". */
  component: string;
  /** Version as the vendor writes it (`5.4.1-2`), or undefined when the name carries none. */
  version?: string;
}

export interface PackageRule {
  /** File name the source document and Avi use for the upload. */
  fileName: string;
  required: readonly string[];
  /** Components recognised but not required (not "extra" even in strict mode). */
  optional: readonly string[];
  match(basename: string): MemberMatch | undefined;
  /** True when every member must be an RPM (the lead magic is checked and reported). */
  rpm: boolean;
}

/**
 * SafeNet Luna client: exactly the 8 RPMs the source document copies into safenet.tar
 * (`configurator-5.4.1-2.x86_64.rpm` …). RPM file names are `<name>-<version>-<release>.<arch>.rpm`.
 */
const SAFENET_COMPONENTS = [
  "configurator",
  "libcryptoki",
  "vtl",
  "lunacmu",
  "cklog",
  "multitoken",
  "ckdemo",
  "lunacm",
];
const SAFENET = new RegExp(
  `^(${SAFENET_COMPONENTS.join("|")})-(\\d[\\w.+~]*-[\\w.+~]+)\\.(x86_64|i[3-6]86|aarch64|noarch)\\.rpm$`,
);

/**
 * Thales nShield Security World client. Its Linux media ships each component as
 * `<component>/agg.tar` (or `<component>.tar` once copied out); Avi's thales.tar bundles them.
 * We require only what a PKCS#11 client cannot work without and we are confident of:
 * `hwsp` (hardware support: the hardserver) and `ctls` (core tools, with the PKCS#11 library).
 * Other known components are accepted but not required. The names carry no version, so the
 * version is unknown ("-") unless a member name does carry one. This is a deliberate,
 * conservative reading; widen `required` when the real media is at hand.
 */
const THALES_REQUIRED = ["hwsp", "ctls"];
const THALES_OPTIONAL = ["ncsnmp", "ctd", "javasp", "jcecsp", "csd", "raserv", "devref", "ncoeserv"];
const THALES = new RegExp(
  `^(${[...THALES_REQUIRED, ...THALES_OPTIONAL].join("|")})(?:[-_](\\d[\\w.+~-]*?))?(?:\\.tar|\\.tar\\.gz|\\.tgz)$`,
);

/**
 * AWS CloudHSM client SDK 5: the PKCS#11 library package is required
 * (`cloudhsm-pkcs11-5.12.0-1.el9.x86_64.rpm`, `cloudhsm-pkcs11_5.12.0-1_u22.04_amd64.deb`, or the
 * `-latest` names AWS publishes); the CloudHSM CLI (user management) is accepted.
 */
const CLOUDHSM = /^cloudhsm-(pkcs11|cli)(?:[-_](\d[\w.+~]*-\d+|latest))?[\w.+~-]*\.(deb|rpm)$/;

export const PACKAGE_RULES: Record<HsmPackageType, PackageRule> = {
  safenet: {
    fileName: "safenet.tar",
    required: SAFENET_COMPONENTS,
    optional: [],
    rpm: true,
    match(basename) {
      const m = SAFENET.exec(basename);
      return m ? { component: m[1]!, version: m[2]! } : undefined;
    },
  },
  thales: {
    fileName: "thales.tar",
    required: THALES_REQUIRED,
    optional: THALES_OPTIONAL,
    rpm: false,
    match(basename) {
      const m = THALES.exec(basename);
      return m ? { component: m[1]!, ...(m[2] ? { version: m[2] } : {}) } : undefined;
    },
  },
  cloudhsm: {
    fileName: "cloudhsm.tar",
    required: ["pkcs11"],
    optional: ["cli"],
    rpm: false,
    match(basename) {
      const m = CLOUDHSM.exec(basename);
      if (!m) return undefined;
      const version = m[2] && m[2] !== "latest" ? m[2] : undefined;
      return { component: m[1]!, ...(version ? { version } : {}) };
    },
  },
};

/** `hwsp/agg.tar` names its component by its folder: use that folder as the name to match. */
export function matchName(name: string): string {
  const parts = name.split("/");
  const base = parts[parts.length - 1] ?? name;
  if (base === "agg.tar" && parts.length >= 2) return `${parts[parts.length - 2]}.tar`;
  return base;
}
