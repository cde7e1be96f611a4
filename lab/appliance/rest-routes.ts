import type { IncomingMessage } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Appliance } from "./appliance";
import { ApplianceError } from "./errors";
import { readJsonBody, str } from "./http-util";

/**
 * Routes in the shape of the Luna 7 REST API (/api/lunasa/...), plus the lab's cloning
 * endpoints (/api/lab/...). `admin` routes need basic auth; `client` routes need the mTLS
 * identity of a registered client (checked by Appliance itself).
 */
export interface RouteResult {
  status: number;
  body?: unknown;
}

export interface Route {
  method: string;
  pattern: RegExp;
  auth: "admin" | "client";
  handle(a: Appliance, req: IncomingMessage, params: string[]): Promise<RouteResult>;
}

const CLIENTS = "/api/lunasa/ntls/clients";
const clientHref = (id: string) => `${CLIENTS}/${encodeURIComponent(id)}`;

function clientView(a: Appliance, id: string) {
  const c = a.registry.get(id);
  return {
    clientID: c.name,
    ...(c.ip ? { ip: c.ip } : {}),
    ...(c.hostname ? { hostname: c.hostname } : {}),
    fingerprint: c.fingerprint,
    certificate: c.certPem,
    links: c.partitions.map((p) => linkView(a, id, p)),
  };
}

function linkView(a: Appliance, client: string, partition: string) {
  const p = a.partitions.find(partition);
  return {
    id: partition,
    url: `/api/lunasa/hsms/${a.config.hsmSerial}/partitions/${p?.serial ?? partition}`,
    href: `${clientHref(client)}/links/${encodeURIComponent(partition)}`,
  };
}

/** Luna links name a partition by URL; accept its serial (as Luna does) or its label. */
function partitionFromUrl(a: Appliance, url: string): string {
  const m = /^\/api\/lunasa\/hsms\/([^/]+)\/partitions\/([^/]+)$/.exec(url);
  if (!m?.[1] || !m[2]) throw new ApplianceError("VALIDATION", `Invalid partition url "${url}".`);
  if (decodeURIComponent(m[1]) !== a.config.hsmSerial) {
    throw new ApplianceError(
      "NOT_FOUND",
      `HSM ${m[1]} is not this appliance (serial ${a.config.hsmSerial}).`,
    );
  }
  const ref = decodeURIComponent(m[2]);
  const p = a.partitions.list().find((x) => x.serial === ref || x.label === ref);
  if (!p) throw new ApplianceError("NOT_FOUND", `Partition ${ref} does not exist on this HSM.`);
  return p.label;
}

const peerDer = (req: IncomingMessage) => (req.socket as TLSSocket).getPeerCertificate?.().raw;

export const ROUTES: Route[] = [
  {
    method: "GET",
    pattern: /^\/api\/lunasa\/ntls\/clients$/,
    auth: "admin",
    handle: async (a) => ({
      status: 200,
      body: { clients: a.registry.list().map((c) => ({ clientID: c.name, href: clientHref(c.name) })) },
    }),
  },
  {
    method: "POST",
    pattern: /^\/api\/lunasa\/ntls\/clients$/,
    auth: "admin",
    handle: async (a, req) => {
      const b = await readJsonBody(req);
      const c = a.registerClient({
        name: str(b, "clientID")!,
        ip: str(b, "ip", false),
        hostname: str(b, "hostname", false),
        certPem: str(b, "certificate")!,
      });
      return { status: 201, body: { clientID: c.name, href: clientHref(c.name) } };
    },
  },
  {
    method: "GET",
    pattern: /^\/api\/lunasa\/ntls\/clients\/([^/]+)$/,
    auth: "admin",
    handle: async (a, _req, [id]) => ({ status: 200, body: clientView(a, id!) }),
  },
  {
    method: "DELETE",
    pattern: /^\/api\/lunasa\/ntls\/clients\/([^/]+)$/,
    auth: "admin",
    handle: async (a, _req, [id]) => {
      a.deregisterClient(id!);
      return { status: 204 };
    },
  },
  {
    method: "GET",
    pattern: /^\/api\/lunasa\/ntls\/clients\/([^/]+)\/links$/,
    auth: "admin",
    handle: async (a, _req, [id]) => ({
      status: 200,
      body: { links: a.registry.get(id!).partitions.map((p) => linkView(a, id!, p)) },
    }),
  },
  {
    method: "POST",
    pattern: /^\/api\/lunasa\/ntls\/clients\/([^/]+)\/links$/,
    auth: "admin",
    handle: async (a, req, [id]) => {
      const b = await readJsonBody(req);
      a.registry.get(id!);
      const partition = partitionFromUrl(a, str(b, "url")!);
      a.assignPartition(id!, partition);
      return { status: 201, body: linkView(a, id!, partition) };
    },
  },
  {
    method: "DELETE",
    pattern: /^\/api\/lunasa\/ntls\/clients\/([^/]+)\/links\/([^/]+)$/,
    auth: "admin",
    handle: async (a, _req, [id, link]) => {
      a.revokePartition(id!, link!);
      return { status: 204 };
    },
  },
  {
    method: "GET",
    pattern: /^\/api\/lunasa\/hsms$/,
    auth: "admin",
    handle: async (a) => ({
      status: 200,
      body: { hsms: [{ id: a.config.hsmSerial, href: `/api/lunasa/hsms/${a.config.hsmSerial}` }] },
    }),
  },
  {
    method: "GET",
    pattern: /^\/api\/lunasa\/hsms\/([^/]+)\/partitions$/,
    auth: "admin",
    handle: async (a, _req, [hsm]) => {
      if (hsm !== a.config.hsmSerial)
        throw new ApplianceError("NOT_FOUND", `HSM ${hsm} is not this appliance.`);
      return {
        status: 200,
        body: {
          partitions: a.partitions.list().map((p) => ({
            id: p.serial,
            name: p.label,
            cloningDomain: p.cloningDomain,
            href: `/api/lunasa/hsms/${hsm}/partitions/${p.serial}`,
          })),
        },
      };
    },
  },
  {
    method: "GET",
    pattern: /^\/api\/lab\/ntls\/whoami$/,
    auth: "client",
    handle: async (a, req) => {
      const peer = a.identifyPeer(peerDer(req));
      if (!peer.ok) throw new ApplianceError("FORBIDDEN", `NTLS would refuse this client: ${peer.reason}.`);
      return { status: 200, body: { clientID: peer.client.name, partitions: peer.client.partitions } };
    },
  },
  {
    method: "POST",
    pattern: /^\/api\/lab\/partitions\/([^/]+)\/clone-export$/,
    auth: "client",
    handle: async (a, req, [partition]) => {
      const b = await readJsonBody(req);
      const blob = await a.cloneExport(peerDer(req), partition!, str(b, "password")!, str(b, "idHex")!);
      return { status: 200, body: { blob } };
    },
  },
  {
    method: "POST",
    pattern: /^\/api\/lab\/partitions\/([^/]+)\/clone-import$/,
    auth: "client",
    handle: async (a, req, [partition]) => {
      const b = await readJsonBody(req);
      return {
        status: 200,
        body: await a.cloneImport(peerDer(req), partition!, str(b, "password")!, str(b, "blob")!),
      };
    },
  },
];
