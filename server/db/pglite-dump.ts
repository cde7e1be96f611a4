import type { PGlite } from "@electric-sql/pglite";

/**
 * A consistent copy of a PGlite database as PGlite's own data-folder tarball (gzip), loadable with
 * `PGlite.create(dir, { loadDataDir })`. A checkpoint first (the copy then needs no WAL replay),
 * and the dump inside a transaction of ours: PGlite runs one transaction at a time, so no other
 * writer is half-way through while the files are read.
 */
export async function dumpPglite(client: PGlite): Promise<Buffer> {
  await client.exec("CHECKPOINT");
  const blob = await client.transaction(async () => client.dumpDataDir("gzip"));
  return Buffer.from(await blob.arrayBuffer());
}

/** Creates a PGlite data folder from such a dump (the folder must not hold a database yet). */
export async function loadPgliteDump(dir: string, dump: Buffer): Promise<void> {
  const { PGlite } = await import("@electric-sql/pglite");
  const client = await PGlite.create(dir, { loadDataDir: new Blob([new Uint8Array(dump)]) });
  await client.close();
}
