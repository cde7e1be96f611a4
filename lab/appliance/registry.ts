import { X509Certificate } from "node:crypto";
import net from "node:net";
import { ApplianceError } from "./errors";
import { readJson, writeJsonAtomic } from "./json-file";

/**
 * The NTLS client list: who may connect (by exact certificate) and which partitions each one
 * sees. One JSON file, written atomically by the appliance process only; the shell and the
 * REST API both go through this class inside that process, so they share one state.
 */
export interface ClientRecord {
  name: string;
  ip?: string;
  hostname?: string;
  certPem: string;
  /** SHA-256 of the DER certificate, uppercase hex with colons. */
  fingerprint: string;
  partitions: string[];
  registeredAt: string;
}

interface RegistryFile {
  clients: ClientRecord[];
}

export interface RegisterInput {
  name: string;
  ip?: string | undefined;
  hostname?: string | undefined;
  certPem: string;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const HOSTNAME_RE =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export class ClientRegistry {
  constructor(private readonly file: string) {}

  list(): ClientRecord[] {
    return readJson<RegistryFile>(this.file, { clients: [] }).clients;
  }

  get(name: string): ClientRecord {
    const found = this.list().find((c) => c.name === name);
    if (!found) throw new ApplianceError("NOT_FOUND", `Client ${name} is not registered.`);
    return found;
  }

  findByFingerprint(fingerprint: string): ClientRecord | undefined {
    return this.list().find((c) => c.fingerprint === fingerprint);
  }

  register(input: RegisterInput): ClientRecord {
    if (!NAME_RE.test(input.name)) {
      throw new ApplianceError(
        "VALIDATION",
        `Invalid client name "${input.name}" (letters, digits, . _ - :).`,
      );
    }
    if ((input.ip ? 1 : 0) + (input.hostname ? 1 : 0) !== 1) {
      throw new ApplianceError("VALIDATION", "Specify exactly one of -ip or -hostname.");
    }
    if (input.ip && net.isIP(input.ip) === 0) {
      throw new ApplianceError("VALIDATION", `Invalid IP address "${input.ip}".`);
    }
    if (input.hostname && !HOSTNAME_RE.test(input.hostname)) {
      throw new ApplianceError("VALIDATION", `Invalid hostname "${input.hostname}".`);
    }
    const cert = parseClientCert(input.certPem);
    const clients = this.list();
    if (clients.some((c) => c.name === input.name)) {
      throw new ApplianceError("CONFLICT", `Client ${input.name} is already registered.`);
    }
    if (input.ip && clients.some((c) => c.ip === input.ip)) {
      throw new ApplianceError(
        "CONFLICT",
        `A client with the same IP address has already been registered (${input.ip}).`,
      );
    }
    const fingerprint = cert.fingerprint256;
    const sameCert = clients.find((c) => c.fingerprint === fingerprint);
    if (sameCert) {
      throw new ApplianceError(
        "CONFLICT",
        `This certificate is already registered for client ${sameCert.name}.`,
      );
    }
    const record: ClientRecord = {
      name: input.name,
      ...(input.ip ? { ip: input.ip } : {}),
      ...(input.hostname ? { hostname: input.hostname } : {}),
      certPem: cert.toString(),
      fingerprint,
      partitions: [],
      registeredAt: new Date().toISOString(),
    };
    this.save([...clients, record]);
    return record;
  }

  assign(name: string, partition: string): void {
    const clients = this.list();
    const client = clients.find((c) => c.name === name);
    if (!client) throw new ApplianceError("NOT_FOUND", `Client ${name} is not registered.`);
    if (client.partitions.includes(partition)) {
      throw new ApplianceError("CONFLICT", `Client ${name} already has access to partition ${partition}.`);
    }
    client.partitions.push(partition);
    this.save(clients);
  }

  revoke(name: string, partition: string): void {
    const clients = this.list();
    const client = clients.find((c) => c.name === name);
    if (!client) throw new ApplianceError("NOT_FOUND", `Client ${name} is not registered.`);
    if (!client.partitions.includes(partition)) {
      throw new ApplianceError("NOT_FOUND", `Client ${name} has no access to partition ${partition}.`);
    }
    client.partitions = client.partitions.filter((p) => p !== partition);
    this.save(clients);
  }

  deregister(name: string): void {
    const clients = this.list();
    if (!clients.some((c) => c.name === name))
      throw new ApplianceError("NOT_FOUND", `Client ${name} is not registered.`);
    this.save(clients.filter((c) => c.name !== name));
  }

  private save(clients: ClientRecord[]): void {
    writeJsonAtomic(this.file, { clients } satisfies RegistryFile);
  }
}

function parseClientCert(pem: string): X509Certificate {
  if (!/-----BEGIN CERTIFICATE-----/.test(pem)) {
    throw new ApplianceError("VALIDATION", "The client certificate is not a PEM X.509 certificate.");
  }
  try {
    return new X509Certificate(pem);
  } catch {
    throw new ApplianceError("VALIDATION", "The client certificate is not a PEM X.509 certificate.");
  }
}
