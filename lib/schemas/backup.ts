import { z } from "zod";

/** Administration > Backup: what a backup taken now holds, and the last backups and restores. */
export const ZBackupContents = z.object({
  database: z.object({
    kind: z.enum(["pglite", "postgres"]),
    migrationsApplied: z.number(),
    lastMigration: z.string().nullable(),
  }),
  /** Names the master key a restore will need (never the key). */
  masterKeyFingerprint: z.string(),
  packages: z.array(
    z.object({ fileName: z.string(), type: z.string(), version: z.string().nullable(), size: z.number() }),
  ),
  localTokens: z.array(
    z.object({ label: z.string(), serial: z.string(), files: z.number(), bytes: z.number() }),
  ),
  consoleTls: z.boolean(),
  libraryAllowList: z.boolean(),
  history: z.array(
    z.object({ at: z.string(), action: z.string(), actorName: z.string(), outcome: z.string() }),
  ),
});
export type BackupContents = z.infer<typeof ZBackupContents>;
