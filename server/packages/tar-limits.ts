/** Caps applied while reading an upload; every one is checked before the bytes it guards are kept. */
export interface TarLimits {
  /** Whole upload, counted as bytes arrive (aborts the stream, so nothing beyond is read). */
  maxArchiveBytes: number;
  /** One member's declared size. */
  maxEntryBytes: number;
  /** Members, directories included (meta headers such as pax and GNU long names are not members). */
  maxEntries: number;
  /** Path components of a member name, `a/b/c.rpm` = 3. */
  maxDepth: number;
  /** Longest member name in bytes (GNU long names and pax paths can otherwise be megabytes). */
  maxNameBytes: number;
}

/**
 * Vendor client bundles are tens to a few hundred MiB (a SafeNet client is ~60 MiB of RPMs);
 * a few dozen members at most. Generous, but far from a disk-filling or CPU-burning upload.
 */
export const DEFAULT_TAR_LIMITS: TarLimits = {
  maxArchiveBytes: 1024 * 1024 * 1024,
  maxEntryBytes: 512 * 1024 * 1024,
  maxEntries: 256,
  maxDepth: 8,
  maxNameBytes: 1024,
};
