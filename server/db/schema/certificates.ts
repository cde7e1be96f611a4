import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { hsmGroups } from "./hsm-groups";
import { tenants } from "./tenancy";

export const CERTIFICATE_TYPES = ["self-signed", "csr", "import", "reference"] as const;
export const CERTIFICATE_STATUSES = ["creating", "awaiting-certificate", "active", "failed"] as const;

/** Avi's SSLKeyAndCertificate: a TLS certificate and where its private key lives. */
export const sslCertificates = pgTable(
  "ssl_certificates",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    type: text("type", { enum: CERTIFICATE_TYPES }).notNull(),
    status: text("status", { enum: CERTIFICATE_STATUSES }).notNull(),
    /** Null: the key is kept encrypted in the database (keyEnc) instead of an HSM. */
    hsmGroupId: uuid("hsm_group_id").references(() => hsmGroups.id, { onDelete: "restrict" }),
    /** CKA_ID (hex) and label of the key objects in every member of the HSM group. */
    keyIdHex: text("key_id_hex"),
    keyLabel: text("key_label"),
    /** RFC 7512 URI of the private key, the portable reference used by service engines. */
    keyUri: text("key_uri"),
    /**
     * Names of the group members that held the key when it was made, imported or referenced
     * (HA: every member the key was replicated to). Null: no HSM, or not recorded.
     */
    keyMembers: jsonb("key_members").$type<string[]>(),
    keyAlgorithm: text("key_algorithm", { enum: ["RSA", "EC"] }).notNull(),
    keyBits: integer("key_bits"),
    keyCurve: text("key_curve"),
    keyOrigin: text("key_origin", { enum: ["generated", "imported"] }).notNull(),
    /** AES-256-GCM ciphertext of a PKCS#8 key kept outside an HSM (context "ssl_certificates.key"). */
    keyEnc: text("key_enc"),
    publicKeySpki: text("public_key_spki"),
    certificatePem: text("certificate_pem"),
    chainPem: text("chain_pem"),
    csrPem: text("csr_pem"),
    subjectCn: text("subject_cn"),
    subject: jsonb("subject").$type<Record<string, string>>(),
    subjectAltNames: jsonb("subject_alt_names").$type<{ dns: string[]; ip: string[] }>(),
    issuer: text("issuer"),
    serial: text("serial"),
    notBefore: timestamp("not_before", { withTimezone: true }),
    notAfter: timestamp("not_after", { withTimezone: true }),
    fingerprintSha1: text("fingerprint_sha1"),
    fingerprintSha256: text("fingerprint_sha256"),
    failureReason: text("failure_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("ssl_certificates_tenant_name").on(t.tenantId, t.name),
    // Matches the list's default expiry order (not_after asc nulls last, then name): the first page
    // is read from the index instead of sorting every row of the tenant.
    index("ssl_certificates_tenant_not_after_name").on(t.tenantId, t.notAfter, t.name),
    index("ssl_certificates_hsm_group").on(t.hsmGroupId),
  ],
);
