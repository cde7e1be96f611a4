import { z } from "zod";
import { ZId, ZObjectName } from "./common";

export const KEY_CHOICES = ["EC-P-256", "EC-P-384", "RSA-2048", "RSA-3072", "RSA-4096"] as const;
export type KeyChoice = (typeof KEY_CHOICES)[number];
export const KEY_CHOICE_LABELS: Record<KeyChoice, string> = {
  "EC-P-256": "EC P-256",
  "EC-P-384": "EC P-384",
  "RSA-2048": "RSA 2048",
  "RSA-3072": "RSA 3072",
  "RSA-4096": "RSA 4096",
};

const ZDnsName = z
  .string()
  .trim()
  .max(253)
  .regex(
    /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
    "Use host names such as www.example.com (a leading *. is allowed).",
  );
const ZIpAddress = z.union([z.ipv4(), z.ipv6()], { message: "Use IPv4 or IPv6 addresses." });
const optionalText = (max: number) => z.string().trim().max(max, `Use at most ${max} characters.`).optional();

/** Empty form fields (select "none") arrive as "": treated as absent. */
const ZOptionalGroup = z.preprocess((v) => (v === "" || v === null ? undefined : v), ZId.optional());

export const ZCreateCertificateInput = z.object({
  name: ZObjectName,
  type: z.enum(["self-signed", "csr"], { message: "Choose self-signed or CSR." }),
  /** None: the key is kept encrypted in the console's database instead of an HSM. */
  hsmGroupId: ZOptionalGroup,
  key: z.enum(KEY_CHOICES, { message: "Choose a key type and size." }),
  commonName: z.string().trim().min(1, "Enter the common name (CN).").max(64, "Use at most 64 characters."),
  organization: optionalText(64),
  organizationalUnit: optionalText(64),
  locality: optionalText(128),
  state: optionalText(128),
  country: z
    .string()
    .trim()
    .regex(/^([A-Za-z]{2})?$/, "Use a two-letter country code such as US.")
    .optional(),
  email: z.union([z.literal(""), z.email("Enter a valid e-mail address.")]).optional(),
  dnsNames: z.array(ZDnsName).max(100, "Use at most 100 DNS names.").default([]),
  ipAddresses: z.array(ZIpAddress).max(100, "Use at most 100 IP addresses.").default([]),
  validityDays: z
    .number({ message: "Enter the validity in days." })
    .int("Use whole days.")
    .min(1, "At least 1 day.")
    .max(3650, "At most 3650 days (10 years)."),
});
export type CreateCertificateInput = z.input<typeof ZCreateCertificateInput>;

export const ZKeyOptionsInput = z.object({ hsmGroupId: ZOptionalGroup });
export const ZKeyOptions = z.object({ keys: z.array(z.enum(KEY_CHOICES)) });

/** Import: a key (PEM, encrypted PEM) or a PKCS#12 file, and the certificate (+ chain). */
export const ZImportCertificateInput = z.object({
  name: ZObjectName,
  hsmGroupId: ZOptionalGroup,
  keyPem: z.string().max(1_048_576).optional(),
  keyPassphrase: z.string().max(1024).optional(),
  /** Base64 of the uploaded .p12/.pfx file. */
  pkcs12Base64: z.string().max(1_500_000).optional(),
  pkcs12Password: z.string().max(1024).optional(),
  certificatePem: z.string().max(1_048_576).optional(),
  chainPem: z.string().max(1_048_576).optional(),
});
export type ImportCertificateInput = z.input<typeof ZImportCertificateInput>;
export const ZValidateImportInput = ZImportCertificateInput.partial({ name: true });
export type ValidateImportInput = z.input<typeof ZValidateImportInput>;

export const ZFinding = z.object({
  level: z.enum(["error", "warning", "info"]),
  code: z.string(),
  message: z.string(),
  field: z.string().optional(),
});
export const ZValidateResult = z.object({
  ok: z.boolean(),
  findings: z.array(ZFinding),
  subjectCn: z.string().nullable(),
  keyDescription: z.string().nullable(),
});
export type ValidateResult = z.infer<typeof ZValidateResult>;

/** Reference a key that already exists in an HSM group. */
export const ZReferenceCertificateInput = z.object({
  name: ZObjectName,
  hsmGroupId: z.uuid({ message: "Choose the HSM group that holds the key." }),
  keyUri: z.string().trim().max(2048).optional(),
  keyLabel: z.string().trim().max(256).optional(),
  certificatePem: z.string().min(1, "Paste the certificate (PEM).").max(1_048_576),
  chainPem: z.string().max(1_048_576).optional(),
});
export type ReferenceCertificateInput = z.input<typeof ZReferenceCertificateInput>;

export const ZUploadSignedInput = z.object({
  id: ZId,
  certificatePem: z.string().trim().min(1, "Paste the signed certificate (PEM).").max(1_048_576),
  chainPem: z.string().max(1_048_576).optional(),
});
export type UploadSignedInput = z.input<typeof ZUploadSignedInput>;

export const ZRenewInput = z.object({ id: ZId, newKey: z.boolean().default(false) });

export const CERT_SORTS = ["name", "expiry"] as const;
export const ZListCertificatesInput = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(100).default(25),
  sort: z.enum(CERT_SORTS).default("name"),
  direction: z.enum(["asc", "desc"]).default("asc"),
  search: z.string().trim().max(128).optional(),
});
export type ListCertificatesInput = z.input<typeof ZListCertificatesInput>;

export const EXPIRY_STATES = ["good", "expiring", "expired", "not-yet-valid"] as const;

export const ZCertificateSummary = z.object({
  id: z.string(),
  name: z.string(),
  type: z.enum(["self-signed", "csr", "import", "reference"]),
  status: z.enum(["creating", "awaiting-certificate", "active", "failed"]),
  subjectCn: z.string().nullable(),
  dnsNames: z.array(z.string()),
  ipAddresses: z.array(z.string()),
  issuer: z.string().nullable(),
  keyAlgorithm: z.enum(["RSA", "EC"]),
  keyBits: z.number().nullable(),
  keyCurve: z.string().nullable(),
  keyOrigin: z.enum(["generated", "imported"]),
  hsmGroupId: z.string().nullable(),
  hsmGroupName: z.string().nullable(),
  /** Members of the HSM group holding the key, as recorded when it was made (empty: none/unknown). */
  keyMembers: z.array(z.string()),
  notAfter: z.string().nullable(),
  expiry: z.enum(EXPIRY_STATES).nullable(),
  failureReason: z.string().nullable(),
  usedBy: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type CertificateSummary = z.infer<typeof ZCertificateSummary>;

export const ZCertificate = ZCertificateSummary.extend({
  subject: z.record(z.string(), z.string()),
  serial: z.string().nullable(),
  notBefore: z.string().nullable(),
  fingerprintSha1: z.string().nullable(),
  fingerprintSha256: z.string().nullable(),
  keyIdHex: z.string().nullable(),
  keyLabel: z.string().nullable(),
  keyUri: z.string().nullable(),
  certificatePem: z.string().nullable(),
  chainPem: z.string().nullable(),
  csrPem: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Certificate = z.infer<typeof ZCertificate>;

export const ZCertificatePage = z.object({
  items: z.array(ZCertificateSummary),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});

export const ZTimeline = z.object({
  buckets: z.array(z.object({ label: z.string(), count: z.number(), state: z.enum(EXPIRY_STATES) })),
  soonest: z.array(z.object({ id: z.string(), name: z.string(), notAfter: z.string() })),
});

export const ZTestKeyResult = z.object({
  id: z.string(),
  name: z.string(),
  results: z.array(
    z.object({ member: z.string(), ok: z.boolean(), detail: z.string(), signMs: z.number().nullable() }),
  ),
});

/** A private key's protection flags exactly as one member's token reports them (CKA_*). */
export const ZKeyFlags = z.object({
  sensitive: z.boolean(),
  alwaysSensitive: z.boolean(),
  extractable: z.boolean(),
  neverExtractable: z.boolean(),
  local: z.boolean(),
  wrapWithTrusted: z.boolean(),
});
export type KeyFlags = z.infer<typeof ZKeyFlags>;

export const ZKeyHolders = z.object({
  members: z.array(
    z.object({
      member: z.string(),
      holds: z.boolean().nullable(),
      /** Read from this member's token; null when it does not hold the key or cannot be reached. */
      flags: ZKeyFlags.nullable(),
      /** This member's copy can be taken out of the HSM by a partition user (see `cloneableMeaning`). */
      cloneable: z.boolean(),
      error: z.string().nullable(),
    }),
  ),
  /** The key is cloneable on at least one member. */
  cloneable: z.boolean(),
  cloneableMeaning: z.string(),
});

export const ZInventoryInput = z.object({ hsmGroupId: ZId });
const ZInventoryKey = z.object({
  idHex: z.string(),
  label: z.string(),
  kind: z.enum(["certificate", "orphan", "foreign", "pending"]),
  /** Object classes present under this CKA_ID (a crash can leave a public key alone). */
  objects: z.array(z.enum(["certificate", "private-key", "public-key", "secret-key"])),
  certificateId: z.string().nullable(),
  certificateName: z.string().nullable(),
  members: z.array(z.string()),
  missingOn: z.array(z.string()),
  removable: z.boolean(),
});
export const ZInventory = z.object({
  complete: z.boolean(),
  unreachable: z.array(z.object({ member: z.string(), error: z.string() })),
  keys: z.array(ZInventoryKey),
  missingKeys: z.array(
    z.object({ certificateId: z.string(), name: z.string(), missingOn: z.array(z.string()) }),
  ),
  graceSeconds: z.number(),
});
export type Inventory = z.infer<typeof ZInventory>;
export const ZRemoveOrphanInput = z.object({ hsmGroupId: ZId, idHex: z.string().regex(/^[0-9a-f]{2,128}$/) });
