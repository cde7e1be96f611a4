/** A group in a few readable rows: server PEMs and client details would drown a table. */
export interface GroupLike {
  name: string;
  type?: string;
  isHa: boolean;
  haGroupNum?: string | null;
  servers: {
    address?: string | null;
    port?: number | null;
    partition?: string;
    partitionSerial?: string | null;
    partitionPassword?: string;
    serverCert?: unknown;
  }[];
  clients?: { name: string; ip: string; replacedAt: string | null }[];
}

export function groupSummary(group: GroupLike, pending = false): Record<string, unknown> {
  const rows: Record<string, unknown> = {
    name: group.name,
    type: group.type ?? "-",
    is_ha: group.isHa,
  };
  if (!pending) rows.ha_group_num = group.haGroupNum ?? null;
  group.servers.forEach((s, i) => {
    const where = s.address ? `${s.address}${s.port ? `:${s.port}` : ""}` : "(module)";
    const parts = [where, `partition ${s.partition ?? "-"}`];
    if (s.partitionSerial) parts.push(`serial ${s.partitionSerial}`);
    if (pending) parts.push(`partition_passwd ${s.partitionPassword ? "<set>" : "(unchanged)"}`);
    if (pending) parts.push(`server_cert ${s.serverCert ? "<set>" : "-"}`);
    rows[`server index ${i + 1}`] = parts.join(", ");
  });
  if (group.clients) {
    rows.clients = group.clients
      .filter((c) => !c.replacedAt)
      .map((c) => `${c.name} (${c.ip})`)
      .join(", ");
  }
  return rows;
}
