import { dataDir } from "@/server/config/env";
import { getDbHandle } from "@/server/db";
import type { DbHandle } from "@/server/db/client";
import { ensureConsoleTls } from "@/server/http/tls/console-certificate";
import { issueSetupTokenIfNeeded } from "@/server/services/auth/setup-token";
import { type JoinedNode, joinCluster, MasterKeyMismatch } from "@/server/services/cluster/join-cluster";
import { ensureDefaultTenant } from "@/server/services/bootstrap/ensure-default-tenant";
import { ensureLocalHsm } from "@/server/services/hsm-groups/local-softhsm";
import { removeStaleSpools } from "@/server/services/hsm-packages/spool-file";
import { startBuiltInEcho, startServiceEngines } from "@/server/services/service-engines/start";

/**
 * Runs once per server process before the first request: migrations (in getDbHandle), the
 * default tenant, the built-in SoftHSM token (the default HSM), and the first-start setup token. Each step is idempotent, so several
 * console nodes may run it at once.
 */
export async function startConsole(): Promise<void> {
  const handle = await getDbHandle();
  console.log(
    `[hsm-console] database: ${handle.kind === "pglite" ? `embedded PGlite in ${dataDir()}/pgdata` : "PostgreSQL (DATABASE_URL)"}`,
  );
  const cluster = await joinClusterOrExit(handle);
  await ensureDefaultTenant(handle.db);
  const stale = await removeStaleSpools();
  if (stale) console.log(`[hsm-console] removed ${stale} unfinished upload file(s) from an earlier run`);
  try {
    const local = await ensureLocalHsm(handle.db);
    console.log(
      `[hsm-console] default HSM: SoftHSM token "${local.label}" (serial ${local.serial}) as HSM group "${local.group}"${local.created ? ", created now" : ""}`,
    );
  } catch (error) {
    // The console still serves (network HSMs need none of this); the reason is in the log.
    console.error(
      `[hsm-console] the default SoftHSM token could not be prepared: ${(error as Error).message}`,
    );
  }
  const echo = await startBuiltInEcho();
  if (echo) console.log(`[hsm-console] echo pool server for virtual services: ${echo.host}:${echo.port}`);
  try {
    await startServiceEngines(handle.db);
  } catch (error) {
    console.error(`[hsm-console] service engines could not be started: ${(error as Error).message}`);
  }
  // Other nodes' changes and requests from now on; singleton work (on one node of the cluster at a
  // time) includes resolving creations interrupted by a crash (rows left "creating").
  await cluster.listen();
  // The listener made or loaded it already (scripts/serve.ts); this reads the same files.
  const tls = await ensureConsoleTls();
  const fingerprint = `SHA-256 ${tls.fingerprint}`;
  console.log(`[hsm-console] HTTPS certificate (${tls.source}): ${fingerprint}`);
  const token = await issueSetupTokenIfNeeded(handle.db);
  if (token) {
    console.log("[hsm-console] ------------------------------------------------------------");
    console.log("[hsm-console] First start: open the console and enter this one-time setup token");
    console.log(`[hsm-console] to create the administrator account:  ${token}`);
    console.log(`[hsm-console] (also in ${dataDir()}/setup-token, readable only by this user)`);
    console.log("[hsm-console] The browser will show the console's own certificate; accept it only if");
    console.log(`[hsm-console] its fingerprint is  ${fingerprint}`);
    console.log("[hsm-console] ------------------------------------------------------------");
  }
}

/** A node whose master key cannot read the cluster's data must not start (see canary.ts). */
async function joinClusterOrExit(handle: DbHandle): Promise<JoinedNode> {
  try {
    const cluster = await joinCluster(handle);
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void cluster.stop());
    return cluster;
  } catch (error) {
    if (!(error instanceof MasterKeyMismatch)) throw error;
    console.error(`[hsm-console] ${error.message}`);
    process.exit(78);
  }
}
