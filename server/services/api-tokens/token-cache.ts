import type { apiTokens, users } from "@/server/db/schema";

/** What a token's lookup read: the token, its owner and the tenant's name. */
export interface TokenRow {
  token: typeof apiTokens.$inferSelect;
  user: typeof users.$inferSelect;
  tenantName: string;
}

/**
 * A token read from the database is reused for at most this long. A script calling the API
 * costs one query per request instead of two (bench: rest_list_rps_ratio). Revoking a token,
 * or changing or deleting its owner, empties the cache of this process at once; another console
 * node sharing the database notices within this time.
 */
export const TOKEN_CACHE_MS = 1_000;
const MAX_ENTRIES = 1_000;

interface Entry {
  row: TokenRow;
  readAt: number;
}

/**
 * On globalThis: the REST listener and Next's routes load their own copies of this module in one
 * process, and a revocation made through either must empty the one cache.
 */
const holder = globalThis as unknown as { __hsmTokenCache?: Map<string, Entry> };
holder.__hsmTokenCache ??= new Map<string, Entry>();
const entries = holder.__hsmTokenCache;

export function cachedToken(hash: string, now = Date.now()): TokenRow | undefined {
  const entry = entries.get(hash);
  if (!entry) return undefined;
  if (now - entry.readAt < TOKEN_CACHE_MS) return entry.row;
  entries.delete(hash);
  return undefined;
}

export function rememberToken(hash: string, row: TokenRow, now = Date.now()): void {
  if (entries.size >= MAX_ENTRIES) entries.clear();
  entries.set(hash, { row, readAt: now });
}

/** Called by every write that can end or narrow a token's rights (revoke, owner changed or deleted). */
export function forgetCachedTokens(): void {
  entries.clear();
}
