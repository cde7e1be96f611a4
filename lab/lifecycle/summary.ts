import type { ApplianceInfo } from "./appliance-info";

/** The human summary printed at start: everything needed to follow the document by hand. */
export function formatLabSummary(appliances: ApplianceInfo[]): string {
  if (appliances.length === 0) return "HSM lab: no appliances (LAB_APPLIANCES=0).\n";
  const blocks = appliances.map((a) =>
    [
      `  ${a.name}  (HSM serial ${a.hsmSerial})`,
      `    NTLS:            ${a.ntls.host}:${a.ntls.port}`,
      `    admin API:       ${a.adminUrl}  user ${a.admin.username}  password ${a.admin.password}`,
      `    server.pem:      ${a.serverPemPath}`,
      `                     (what "scp admin@${a.ntls.host}:server.pem ${a.name}.pem" would fetch)`,
      `    fingerprint:     ${a.serverCertFingerprint}`,
      `    shell:           lab/bin/lunash --appliance ${a.name}   (client certs go in ${a.dir}/home/)`,
      ...a.partitions.map(
        (p) =>
          `    partition:       ${p.label}  serial ${p.serial}  password ${p.password}  domain ${p.cloningDomain}`,
      ),
    ].join("\n"),
  );
  return `HSM lab appliances:\n${blocks.join("\n\n")}\n`;
}

export function printLabSummary(appliances: ApplianceInfo[]): void {
  process.stdout.write(formatLabSummary(appliances));
}
