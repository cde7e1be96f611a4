import { isIP } from "node:net";
import { shellQuote } from "@/lib/shell-quote";
import { AppError } from "@/lib/errors";
import type { ClientsPage } from "@/lib/schemas/hsm-client";
import { clientOf, clientsOf, findGroup, registrationsOf, serversOf } from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { lineDiff } from "./chrystoki-conf";
import { certInfo } from "./to-hsm-group";

/** Everything the download page shows: one row per client and server, with the commands to run. */
export async function getClientsPage(db: Db, actor: Actor, id: string): Promise<ClientsPage> {
  const group = await findGroup(db, actor.tenantId, id);
  const servers = await serversOf(db, group.id);
  const clients = await clientsOf(db, group.id, "name");
  const regs = await registrationsOf(
    db,
    clients.map((c) => c.id),
  );
  const reg = (clientId: string, serverId: string) =>
    regs.find((r) => r.clientId === clientId && r.serverId === serverId);
  return {
    id: group.id,
    name: group.name,
    isHa: group.isHa,
    clients: clients.map((c) => ({
      id: c.id,
      kind: c.kind,
      name: c.name,
      ip: c.ip,
      subject: certInfo(c.certPem)?.subject ?? `CN=${c.name}`,
      fingerprint: c.fingerprint,
      notAfter: c.notAfter.toISOString(),
      replacedAt: c.replacedAt?.toISOString() ?? null,
      chrystokiConf: c.chrystokiConf,
      chrystokiDiff:
        c.chrystokiConfPrevious && c.chrystokiConf
          ? lineDiff(c.chrystokiConfPrevious, c.chrystokiConf)
          : null,
      servers: servers.map((s) => {
        const r = reg(c.id, s.id);
        return {
          serverId: s.id,
          address: s.address ?? "",
          partition: s.partition,
          status: r?.status ?? "unknown",
          detail: r?.detail ?? null,
          checkedAt: r?.checkedAt?.toISOString() ?? null,
          commands: [
            // Every value quoted: what is pasted into a shell or lunash is exactly one argument each.
            `scp ${shellQuote(`${c.name}.pem`)} ${shellQuote(`admin@${bracketed(s.address ?? "")}:`)}`,
            `client register -c ${shellQuote(c.name)} ${isIP(c.ip) ? "-i" : "-hostname"} ${shellQuote(c.ip)}`,
            `client assignPartition -c ${shellQuote(c.name)} -p ${shellQuote(s.partition)}`,
          ],
        };
      }),
    })),
  };
}

/** One client certificate of a group (tenant-checked), for the download route. */
export async function findClient(db: Db, actor: Pick<Actor, "tenantId">, groupId: string, clientId: string) {
  const group = await findGroup(db, actor.tenantId, groupId);
  return clientOf(db, group.id, clientId);
}

/**
 * The current certificate of the client called `name` (the certificate only: the key never
 * leaves the console). Unknown names are refused with the group's client names, so that a
 * script's author sees at once which ones exist.
 */
export async function clientCertificateByName(
  db: Db,
  actor: Pick<Actor, "tenantId">,
  groupId: string,
  name: string,
) {
  const group = await findGroup(db, actor.tenantId, groupId);
  const rows = await clientsOf(db, group.id, "name-newest-first");
  // A rotated client keeps its old rows (replacedAt set); the newest current one is the live one.
  const found = rows.find((c) => c.name === name && !c.replacedAt) ?? rows.find((c) => c.name === name);
  if (!found) {
    const names = [...new Set(rows.map((c) => c.name))];
    throw new AppError(
      "NOT_FOUND",
      names.length
        ? `HSM group "${group.name}" has no client "${name}". Its clients: ${names.join(", ")}.`
        : `HSM group "${group.name}" has no clients yet.`,
      { field: "client" },
    );
  }
  return { name: found.name, certificatePem: found.certPem };
}

/** scp's user@host: an IPv6 address goes in brackets. */
function bracketed(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}
