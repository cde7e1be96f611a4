import fs from "node:fs";
import path from "node:path";
import { count, isNull } from "drizzle-orm";
import { dataDir } from "@/server/config/env";
import { randomToken, sha256Hex } from "@/server/crypto/tokens";
import type { Db } from "@/server/db";
import { setupTokens, users } from "@/server/db/schema";

export const SETUP_TOKEN_FILE = "setup-token";

export async function setupRequired(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(users);
  return (row?.n ?? 0) === 0;
}

/**
 * While no account exists, each start issues a fresh one-time token (older ones stop working),
 * prints it and leaves a copy readable only by the owner in <data>/setup-token, as Jenkins does.
 * Returns null once setup is done.
 */
export async function issueSetupTokenIfNeeded(db: Db): Promise<string | null> {
  if (!(await setupRequired(db))) {
    removeSetupTokenFile();
    return null;
  }
  const token = randomToken(18);
  await db.transaction(async (tx) => {
    await tx.delete(setupTokens).where(isNull(setupTokens.usedAt));
    await tx.insert(setupTokens).values({ tokenHash: sha256Hex(token) });
  });
  fs.mkdirSync(dataDir(), { recursive: true, mode: 0o700 });
  fs.writeFileSync(path.join(dataDir(), SETUP_TOKEN_FILE), `${token}\n`, { mode: 0o600 });
  return token;
}

export function removeSetupTokenFile(): void {
  fs.rmSync(path.join(dataDir(), SETUP_TOKEN_FILE), { force: true });
}
