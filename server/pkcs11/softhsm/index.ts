/**
 * SoftHSM2 helpers: a private configuration + token folder (never the system default) and token
 * initialisation through `softhsm2-util`. Used by the console's built-in local HSM and by every test.
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export const SOFTHSM_LIBRARY = process.env.SOFTHSM2_LIBRARY ?? "/usr/lib/softhsm/libsofthsm2.so";

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

/** Initialises the first free slot as a token; returns its serial number as SoftHSM reports it. */
export async function initSoftHsmToken(input: InitSoftHsmTokenInput): Promise<{ serial: string }> {
  const env = { ...process.env, SOFTHSM2_CONF: input.confPath };
  await run(
    "softhsm2-util",
    ["--init-token", "--free", "--label", input.label, "--so-pin", input.soPin, "--pin", input.userPin],
    { env },
  );
  const { stdout } = await run("softhsm2-util", ["--show-slots"], { env });
  const serial = findSerial(stdout, input.label);
  if (!serial)
    throw new Error(`SoftHSM token "${input.label}" was initialised but not found in --show-slots`);
  return { serial };
}

function findSerial(showSlots: string, label: string): string | undefined {
  // Blocks look like: "Slot N\n ... Token info:\n ... Label: X\n ... Serial number: Y"
  for (const block of showSlots.split(/\nSlot /)) {
    const l = /Label:\s*(.*)/.exec(block)?.[1]?.trim();
    const s = /Serial number:\s*(\S+)/.exec(block)?.[1]?.trim();
    if (l === label && s) return s;
  }
  return undefined;
}
