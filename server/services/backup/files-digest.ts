import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { ManifestFile } from "./manifest";

/** Every regular file under root, as archive paths (`/` separators) with size and SHA-256. */
export function digestTree(root: string, exclude: string[] = []): ManifestFile[] {
  const files: ManifestFile[] = [];
  for (const entry of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const rel = path.relative(root, full).split(path.sep).join("/");
    if (exclude.includes(rel)) continue;
    files.push({ path: rel, size: fs.statSync(full).size, sha256: sha256File(full) });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

export function sha256File(file: string): string {
  const hash = crypto.createHash("sha256");
  const fd = fs.openSync(file, "r");
  try {
    const buffer = Buffer.alloc(1024 * 1024);
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest("hex");
}
