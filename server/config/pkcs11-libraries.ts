import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { dataDir, env } from "./env";
import { P11_KIT_CLIENT_MODULE } from "./system-libraries";

/**
 * The PKCS#11 libraries this installation lets the console load (as root, in its workers and in
 * each SE's p11-kit server), with the environment variables each may take and the folders their
 * path values may point into. Declared by the host, never by a web or API call: the defaults
 * below, plus `<data>/pkcs11-libraries.json` (read again when it changes), plus
 * HSM_CONSOLE_PKCS11_LIBRARIES (same JSON).
 *
 *   { "libraries": [ { "path": "/usr/safenet/lunaclient/lib/libCryptoki2_64.so",
 *                      "label": "SafeNet Luna client",
 *                      "env": { "ChrystokiConfigurationPath": ["/etc/luna"] } } ] }
 */
const ZAbsolute = z
  .string()
  .refine((p) => path.isAbsolute(p) && !p.includes("\0"), "must be an absolute path");

const ZLibrary = z.object({
  path: ZAbsolute,
  label: z.string().min(1).max(80).optional(),
  /** Variable name → folders its value (a path, or unix:path=<path>) must lie in. */
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.array(ZAbsolute)).default({}),
});
const ZLibraryList = z.object({ libraries: z.array(ZLibrary) });

export type AllowedLibrary = { path: string; label: string; env: Record<string, string[]> };

export const LIBRARY_LIST_FILE = "pkcs11-libraries.json";
export const LIBRARY_LIST_ENV = "HSM_CONSOLE_PKCS11_LIBRARIES";

/** Built in: SoftHSM2 and p11-kit-client, their configuration inside the data folder. */
function defaults(): AllowedLibrary[] {
  const data = dataDir();
  return [
    {
      path: env().SOFTHSM2_LIBRARY,
      label: "SoftHSM 2",
      env: { SOFTHSM2_CONF: [data] },
    },
    {
      path: P11_KIT_CLIENT_MODULE,
      label: "p11-kit client",
      env: { P11_KIT_SERVER_ADDRESS: [data] },
    },
  ];
}

function parse(text: string, source: string): AllowedLibrary[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source}: not JSON (${(error as Error).message})`);
  }
  const parsed = ZLibraryList.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`${source} is invalid:\n${lines.join("\n")}`);
  }
  return parsed.data.libraries.map((l) => ({
    path: path.normalize(l.path),
    label: l.label ?? l.path,
    env: l.env,
  }));
}

function mtimeOf(file: string): number {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

let cached: { key: string; libraries: AllowedLibrary[] } | undefined;

/** The allowed libraries, by path (a later declaration of the same path adds to the earlier one). */
export function allowedLibraries(): AllowedLibrary[] {
  const file = path.join(dataDir(), LIBRARY_LIST_FILE);
  // The host may edit the file while the console runs: a changed file is read again.
  const fromEnv = env().HSM_CONSOLE_PKCS11_LIBRARIES;
  const key = `${file}|${mtimeOf(file)}|${fromEnv ?? ""}`;
  if (cached?.key === key) return cached.libraries;
  const declared = [...defaults()];
  if (fs.existsSync(file)) declared.push(...parse(fs.readFileSync(file, "utf8"), file));
  if (fromEnv) declared.push(...parse(fromEnv, LIBRARY_LIST_ENV));
  const byPath = new Map<string, AllowedLibrary>();
  for (const lib of declared) {
    const known = byPath.get(lib.path);
    if (!known) byPath.set(lib.path, { ...lib, env: { ...lib.env } });
    else
      for (const [name, folders] of Object.entries(lib.env))
        known.env[name] = [...(known.env[name] ?? []), ...folders];
  }
  cached = { key, libraries: [...byPath.values()] };
  return cached.libraries;
}
