import { z } from "zod";

/** The archive's format; a reader refuses any other. */
export const BACKUP_FORMAT = "hsm-console-backup/1";
export const MANIFEST_NAME = "manifest.json";

/** Where each part sits in the archive (and nothing else may). */
export const PARTS = {
  pgliteDump: "database/pglite.tar.gz",
  postgresDump: "database/postgres.sql",
  tokens: "softhsm/tokens",
  libraries: "config/pkcs11-libraries.json",
  tlsCert: "tls/console.crt",
  /** The console's own TLS key, sealed with the master key (never in clear in the archive). */
  tlsKeySealed: "tls/console.key.sealed",
  tlsFront: "tls/front.json",
} as const;

export const ALLOWED_PREFIXES = ["database/", "softhsm/", "config/", "tls/"];

const ZFile = z.object({
  path: z.string().min(1),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});

export const ZManifest = z.object({
  format: z.literal(BACKUP_FORMAT),
  consoleVersion: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  node: z.string(),
  database: z.object({
    kind: z.enum(["pglite", "postgres"]),
    file: z.string(),
    migrations: z.object({
      applied: z.number().int().min(0),
      lastTag: z.string().nullable(),
      known: z.number().int().min(0),
    }),
  }),
  masterKey: z.object({
    /** SHA-256 over a label and the key; names the key without revealing it. */
    fingerprint: z.string(),
    /** Always false: the key is exported only on request, into a file of its own. */
    inArchive: z.literal(false),
  }),
  packages: z.array(
    z.object({
      fileName: z.string(),
      type: z.string(),
      version: z.string().nullable(),
      size: z.number(),
      sha256: z.string(),
    }),
  ),
  localTokens: z.array(z.object({ label: z.string(), serial: z.string() })),
  files: z.array(ZFile),
});

export type BackupManifest = z.infer<typeof ZManifest>;
export type ManifestFile = z.infer<typeof ZFile>;
