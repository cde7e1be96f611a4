/**
 * SoftHSM2 helpers: a private configuration + token folder (never the system default) and token
 * initialisation through the PKCS#11 layer's worker. Used by the console's built-in local HSM and by every test.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { env } from "../../config/env";
import { HsmConnection } from "../connection";

export const SOFTHSM_LIBRARY = env().SOFTHSM2_LIBRARY;

export interface SoftHsmEnvironment {
  /** Path of the generated softhsm2.conf: pass it as SOFTHSM2_CONF to the module's process. */
  confPath: string;
  tokenDir: string;
  libraryPath: string;
}

/** Creates `<dir>/softhsm2.conf` and `<dir>/tokens/` (idempotent). */
export async function createSoftHsmEnvironment(dir: string): Promise<SoftHsmEnvironment> {
  const tokenDir = path.join(dir, "tokens");
  await mkdir(tokenDir, { recursive: true, mode: 0o700 });
  const confPath = path.join(dir, "softhsm2.conf");
  await writeFile(
    confPath,
    [
      `directories.tokendir = ${tokenDir}`,
      "objectstore.backend = file",
      "log.level = ERROR",
      "slots.removable = false",
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  return { confPath, tokenDir, libraryPath: SOFTHSM_LIBRARY };
}

export interface InitSoftHsmTokenInput {
  confPath: string;
  label: string;
  soPin: string;
  userPin: string;
}

/**
 * Initialises the first free slot as a token; returns its serial number as SoftHSM reports it.
 * Through a short-lived worker (C_InitToken, C_InitPIN): the PINs never appear on a command line.
 */
export async function initSoftHsmToken(input: InitSoftHsmTokenInput): Promise<{ serial: string }> {
  const connection = new HsmConnection({
    name: `init-token:${input.label}`,
    libraryPath: SOFTHSM_LIBRARY,
    env: { SOFTHSM2_CONF: input.confPath },
    niceness: 0,
  });
  try {
    return await connection.call("initToken", {
      label: input.label,
      soPin: input.soPin,
      userPin: input.userPin,
    });
  } finally {
    await connection.close();
  }
}
