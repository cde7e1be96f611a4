import { chownSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { certificateBundle, certificateFile, seLayout } from "./layout";
import type { RunAs } from "./process";
import { renderNginxConfig, renderOpensslConf } from "./render-config";
import type { ServiceEngineSpec } from "./types";

/** Write to a temporary name and rename: readers never see half a file. */
export function writeAtomic(file: string, content: string, mode: number, owner?: RunAs | null): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode });
  if (owner) chownSync(tmp, owner.uid, owner.gid);
  renameSync(tmp, file);
}

/**
 * Folder layout and ownership. Config and certificates belong to the console (root) and are only
 * readable by nginx; logs, temp, run and the PIN belong to the SE user because nginx (master and
 * workers, all unprivileged) writes or reads them.
 */
export function prepareFolders(spec: ServiceEngineSpec, runAs: RunAs | null): void {
  const l = seLayout(spec.dataDir);
  mkdirSync(l.root, { recursive: true, mode: 0o755 });
  for (const dir of [l.confDir, l.certsDir]) mkdirSync(dir, { recursive: true, mode: 0o755 });
  for (const [dir, mode] of [
    [l.logsDir, 0o755],
    [l.tmpDir, 0o700],
    [l.runDir, 0o755],
    [l.secretsDir, 0o700],
  ] as const) {
    mkdirSync(dir, { recursive: true, mode });
    if (runAs) chownSync(dir, runAs.uid, runAs.gid);
  }
}

/**
 * The PIN goes to nginx as `pin-source=file:` (0600, owned by the SE user): with `pin-value` in the
 * URI it would sit in nginx.conf and be echoed in every nginx error message that quotes the key.
 */
export function writePin(spec: ServiceEngineSpec, runAs: RunAs | null): void {
  writeAtomic(seLayout(spec.dataDir).pinFile, spec.hsm.pin, 0o600, runAs);
}

/** Writes the files a config refers to (certificates, OpenSSL config) and the candidate config. */
export function writeCandidate(spec: ServiceEngineSpec): string {
  const l = seLayout(spec.dataDir);
  const text = renderNginxConfig(spec);
  writeAtomic(l.opensslConf, renderOpensslConf(), 0o644);
  for (const vs of spec.virtualServices) {
    if (vs.certificatePem) writeAtomic(certificateFile(spec.dataDir, vs), certificateBundle(vs), 0o644);
  }
  writeAtomic(l.nginxConfNext, text, 0o644);
  return text;
}

/** The checked candidate becomes the config nginx reads on start and on SIGHUP. */
export function promoteCandidate(spec: ServiceEngineSpec): void {
  const l = seLayout(spec.dataDir);
  renameSync(l.nginxConfNext, l.nginxConf);
  removeUnusedCertificates(spec);
}

function removeUnusedCertificates(spec: ServiceEngineSpec): void {
  const l = seLayout(spec.dataDir);
  const used = new Set(
    spec.virtualServices
      .filter((vs) => vs.certificatePem)
      .map((vs) => path.basename(certificateFile(spec.dataDir, vs))),
  );
  for (const name of readdirSync(l.certsDir)) {
    if (!used.has(name)) rmSync(path.join(l.certsDir, name), { force: true });
  }
}
