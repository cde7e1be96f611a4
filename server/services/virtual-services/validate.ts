import os from "node:os";
import { AppError } from "@/lib/errors";
import { type CertificateRow, findCertificate } from "@/server/aggregates/certificates";
import { groupById } from "@/server/aggregates/hsm-groups";
import { seGroupById, tenantSeGroupsUsing } from "@/server/aggregates/se-groups";
import { virtualServicesOnVip } from "@/server/aggregates/virtual-services";
import { canBindLowPorts } from "@/server/dataplane";
import type { DbOrTx } from "@/server/db";
import { assertSesReachGroup } from "../service-engines/node-bound";
import { assertPoolAllowed } from "./pool-ranges";
import { assertPortsFree } from "./port-free";

type Input = {
  vip: string;
  ports: { port: number; ssl: boolean }[];
  pool: { host: string; port: number }[];
  certificateId?: string | null;
  seGroupId: string;
};

/** VIPs are bound by this machine's SEs: a loopback address, or an address of one of its interfaces. */
function isLocalAddress(ip: string): boolean {
  if (ip.startsWith("127.")) return true;
  return Object.values(os.networkInterfaces())
    .flat()
    .some((i) => i?.family === "IPv4" && i.address === ip);
}

/**
 * The rules a form cannot check alone, each naming its field. Runs inside the save transaction,
 * before anything is written or deployed. Returns the SE group and the certificate.
 */
export async function validateVirtualService(
  db: DbOrTx,
  tenantId: string,
  input: Input,
  selfId: string | null,
): Promise<{ certificate: CertificateRow | null }> {
  if (!isLocalAddress(input.vip))
    throw new AppError(
      "VALIDATION",
      `VIP ${input.vip} is not an address of this machine. Use a loopback address (127.0.0.0/8) or one of its interface addresses.`,
      { field: "vip" },
    );
  const seen = new Set<number>();
  for (const p of input.ports) {
    if (p.port < 1024 && !canBindLowPorts())
      throw new AppError(
        "VALIDATION",
        `Port ${p.port} is below 1024, which service engines of this console may not bind: it does not run as root. Run the console as root (it then starts nginx unprivileged with only CAP_NET_BIND_SERVICE) or use a port of 1024 or more.`,
        { field: "ports" },
      );
    if (seen.has(p.port))
      throw new AppError("VALIDATION", `Port ${p.port} is listed twice.`, { field: "ports" });
    seen.add(p.port);
  }
  assertPoolAllowed(input.pool);
  assertPortsFree(input.vip, input.ports);
  const seGroup = await seGroupById(db, input.seGroupId);
  // Another tenant's group is not a choice: the same answer as a missing one, on the field.
  if (!seGroup || seGroup.tenantId !== tenantId)
    throw new AppError("VALIDATION", "Choose a service engine group of your tenant.", { field: "seGroupId" });
  await assertNoCollision(db, tenantId, input, selfId);
  const ssl = input.ports.some((p) => p.ssl);
  if (!ssl) return { certificate: null };
  if (!input.certificateId)
    throw new AppError("VALIDATION", "SSL is on for a service port: choose an SSL certificate.", {
      field: "certificateId",
    });
  const cert = await findCertificate(db, tenantId, input.certificateId);
  if (cert?.status !== "active" || !cert.certificatePem)
    throw new AppError("VALIDATION", "Choose an active SSL certificate of your tenant.", {
      field: "certificateId",
    });
  if (!cert.hsmGroupId || !cert.keyUri)
    throw new AppError(
      "VALIDATION",
      `Certificate "${cert.name}" keeps its key outside an HSM; service engines only use HSM keys. Choose a certificate created in an HSM group.`,
      { field: "certificateId" },
    );
  if (seGroup.hsmGroupId !== cert.hsmGroupId)
    throw new AppError("VALIDATION", await hsmMismatch(db, tenantId, cert, seGroup.name), {
      field: "seGroupId",
    });
  const hsm = await groupById(db, cert.hsmGroupId);
  if (hsm) await assertSesReachGroup(db, seGroup, hsm, "certificateId");
  return { certificate: cert };
}

async function hsmMismatch(
  db: DbOrTx,
  tenantId: string,
  cert: CertificateRow,
  seGroupName: string,
): Promise<string> {
  const hsmName = (await groupById(db, cert.hsmGroupId!))?.name ?? "its HSM group";
  const others = await tenantSeGroupsUsing(db, tenantId, cert.hsmGroupId!);
  const lead = `The key of certificate "${cert.name}" is in HSM group "${hsmName}", which SE group "${seGroupName}" does not reference.`;
  if (others.length > 0) return `${lead} Pick SE group "${others[0]!.name}".`;
  return `${lead} Associate HSM group "${hsmName}" with SE group "${seGroupName}" (Infrastructure › Cloud › Default-Cloud › Service Engine Groups › Edit), then save again.`;
}

async function assertNoCollision(
  db: DbOrTx,
  tenantId: string,
  input: Input,
  selfId: string | null,
): Promise<void> {
  const others = await virtualServicesOnVip(db, input.vip, selfId);
  for (const other of others) {
    const clash = other.ports.find((p) => input.ports.some((q) => q.port === p.port));
    if (clash)
      throw new AppError(
        "VALIDATION",
        `${input.vip}:${clash.port} is already used by ${other.tenantId === tenantId ? `virtual service "${other.name}"` : "a virtual service of another tenant"}. Choose another VIP or port.`,
        { field: "ports" },
      );
  }
}
