import fs from "node:fs";
import path from "node:path";
import { hasControlCharacter } from "@/lib/control-chars";
import { AppError } from "@/lib/errors";
import {
  type AllowedLibrary,
  allowedLibraries,
  LIBRARY_LIST_ENV,
  LIBRARY_LIST_FILE,
} from "@/server/config/pkcs11-libraries";

/**
 * A PKCS#11 module group may name only a library the installation declared, with only the
 * variables declared for it, each pointing into its declared folders. The refusal of a library
 * never depends on the file (no stat): it must not tell a tenant which paths exist on the host.
 */
export function checkModule(libraryPath: string, env: Record<string, string>): AllowedLibrary {
  const library = allowedLibraries().find((l) => l.path === libraryPath);
  if (!library) {
    throw new AppError(
      "VALIDATION",
      `This installation does not allow that PKCS#11 library. Choose one of the listed libraries; the host's administrator declares others in ${LIBRARY_LIST_FILE} in the data folder or in ${LIBRARY_LIST_ENV}.`,
      { field: "moduleLibrary" },
    );
  }
  for (const [name, value] of Object.entries(env)) {
    const folders = library.env[name];
    if (!folders) {
      const names = Object.keys(library.env);
      throw new AppError(
        "VALIDATION",
        `${name} is not a variable this installation lets ${library.label} take (${names.length ? `allowed: ${names.join(", ")}` : "it takes none"}).`,
        { field: "moduleEnv" },
      );
    }
    if (!insideFolders(value, folders)) {
      throw new AppError(
        "VALIDATION",
        `${name} must be an absolute path (or unix:path=<path>) inside ${folders.join(" or ")}, as this installation declares.`,
        { field: "moduleEnv" },
      );
    }
  }
  return library;
}

/** The libraries offered in the form: path and label only. */
export function offeredLibraries(): { path: string; label: string; envNames: string[] }[] {
  return allowedLibraries().map((l) => ({ path: l.path, label: l.label, envNames: Object.keys(l.env) }));
}

function insideFolders(value: string, folders: string[]): boolean {
  const target = value.startsWith("unix:path=") ? value.slice("unix:path=".length) : value;
  if (!path.isAbsolute(target) || path.normalize(target) !== target || hasControlCharacter(target))
    return false;
  const real = realish(target);
  return folders.some((folder) => {
    const base = realish(folder);
    return real === base || real.startsWith(base.endsWith(path.sep) ? base : base + path.sep);
  });
}

/** The real path of the longest existing prefix (a symlink inside a folder must not lead out of it). */
function realish(p: string): string {
  const rest: string[] = [];
  let current = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(current), ...rest.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      rest.push(path.basename(current));
      current = parent;
    }
  }
}
