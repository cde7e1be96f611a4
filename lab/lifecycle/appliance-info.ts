import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import { readConfig } from "../appliance/config";
import { readJson } from "../appliance/json-file";
import type { PartitionRecord } from "../appliance/partitions";
import { appliancePaths } from "../appliance/paths";
import type { AdminCredentials } from "../appliance/secrets";

/** What the console (and a person) needs to know about one lab appliance. */
export interface ApplianceInfo {
  name: string;
  dir: string;
  hsmSerial: string;
  ntls: { host: string; port: number };
  adminUrl: string;
  admin: AdminCredentials;
  /** The file `scp admin@<host>:server.pem` would fetch. */
  serverPemPath: string;
  serverCertFingerprint: string;
  /** The lunash console socket (lab/bin/lunash --appliance <name> uses it). */
  controlSocket: string;
  partitions: Array<{ label: string; serial: string; password: string; cloningDomain: string }>;
  /** The cloning domain of the appliance's first partition (all lab partitions share one by default). */
  cloningDomain: string | undefined;
}

export function readApplianceInfo(dir: string): ApplianceInfo {
  const paths = appliancePaths(dir);
  const config = readConfig(paths);
  const partitions = readJson<{ partitions: PartitionRecord[] }>(paths.partitions, {
    partitions: [],
  }).partitions;
  const certPem = fs.readFileSync(paths.serverPem, "utf8");
  return {
    name: config.name,
    dir,
    hsmSerial: config.hsmSerial,
    ntls: { host: config.host, port: config.ntlsPort },
    adminUrl: `https://${config.host}:${config.adminPort}`,
    admin: readJson<AdminCredentials>(paths.admin, { username: "admin", password: "" }),
    serverPemPath: paths.serverPem,
    serverCertFingerprint: new X509Certificate(certPem).fingerprint256,
    controlSocket: paths.controlSocket,
    partitions: partitions.map((p) => ({
      label: p.label,
      serial: p.serial,
      password: p.password,
      cloningDomain: p.cloningDomain,
    })),
    cloningDomain: partitions[0]?.cloningDomain,
  };
}
