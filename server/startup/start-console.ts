import { dataDir } from "@/server/config/env";
import { getDbHandle } from "@/server/db";
import { ensureConsoleTls } from "@/server/http/tls/console-certificate";
import { errorFields, log } from "@/server/observability/logger";
import { observePkcs11 } from "@/server/observability/pkcs11-metrics";
import { issueSetupTokenIfNeeded } from "@/server/services/auth/setup-token";
import { ensureDefaultTenant } from "@/server/services/bootstrap/ensure-default-tenant";
import { startCreationReconciler } from "@/server/services/certificates/reconcile-loop";
import { ensureLocalHsm, LOCAL_HSM_GROUP } from "@/server/services/hsm-groups/local-softhsm";
import { startHealthSampling } from "@/server/services/hsm-health/sampler";
import { removeStaleSpools } from "@/server/services/hsm-packages/spool-file";
import { startBuiltInEcho, startServiceEngines } from "@/server/services/service-engines/start";

/**
 * Runs once per server process before the first request: migrations (in getDbHandle), the
 * default tenant, the built-in SoftHSM token (the default HSM), and the first-start setup token. Each step is idempotent, so several
 * console nodes may run it at once.
 */
export async function startConsole(): Promise<void> {
  observePkcs11();
  const handle = await getDbHandle();
  const out = log("hsm-console");
  out.info(
    `database: ${handle.kind === "pglite" ? `embedded PGlite in ${dataDir()}/pgdata` : "PostgreSQL (DATABASE_URL)"}`,
  );
  startHealthSampling(handle.db);
  await ensureDefaultTenant(handle.db);
  const stale = await removeStaleSpools();
  if (stale) out.info(`removed ${stale} unfinished upload file(s) from an earlier run`);
  try {
    const local = await ensureLocalHsm(handle.db);
    out.info(
      `default HSM: SoftHSM token "${local.label}" (serial ${local.serial}) as HSM group "${LOCAL_HSM_GROUP}"${local.created ? ", created now" : ""}`,
    );
  } catch (error) {
    // The console still serves (network HSMs need none of this); the reason is in the log.
    out.error({ ...errorFields(error), msg: "the default SoftHSM token could not be prepared" });
  }
  // Creations interrupted by a crash (rows left "creating", partial HSM objects) are resolved here.
  startCreationReconciler(handle.db);
  const echo = await startBuiltInEcho();
  if (echo) out.info(`echo pool server for virtual services: ${echo.host}:${echo.port}`);
  try {
    await startServiceEngines(handle.db);
  } catch (error) {
    out.error({ ...errorFields(error), msg: "service engines could not be started" });
  }
  // The listener made or loaded it already (scripts/serve.ts); this reads the same files.
  const tls = await ensureConsoleTls();
  const fingerprint = `SHA-256 ${tls.fingerprint}`;
  out.info(`HTTPS certificate (${tls.source}): ${fingerprint}`);
  const token = await issueSetupTokenIfNeeded(handle.db);
  if (token) {
    // The one secret ever printed, on purpose: the first start's operator reads it here (single-use,
    // also in the data folder). Plain text, not a JSON log line: log shippers parsing JSON skip it.
    process.stdout.write(
      [
        "------------------------------------------------------------",
        "First start: open the console and enter this one-time setup token",
        `to create the administrator account:  ${token}`,
        `(also in ${dataDir()}/setup-token, readable only by this user)`,
        "The browser will show the console's own certificate; accept it only if",
        `its fingerprint is  ${fingerprint}`,
        "------------------------------------------------------------",
        "",
      ].join("\n"),
    );
  }
}
