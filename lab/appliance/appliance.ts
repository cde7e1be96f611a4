import { X509Certificate } from "node:crypto";
import { cloneExport, cloneImport } from "./clone";
import { retireInTokenDomainKeys } from "./cloning-domain";
import type { ApplianceConfig } from "./config";
import { type DomainKey, domainFromSecret, randomDomain, wipe } from "./domain-key";
import { ApplianceError } from "./errors";
import type { Authorization } from "./ntls-front";
import { type PartitionRecord, PartitionStore } from "./partitions";
import type { AppliancePaths } from "./paths";
import { type ClientRecord, ClientRegistry, type RegisterInput } from "./registry";
import { regenerateServerCert, type ServerIdentity } from "./server-cert";
import { DomainVault } from "./vault";

/**
 * The appliance's operations, shared by the shell and the REST API so that both change the
 * same state with the same rules and the same words. Listeners subscribe to the two events
 * that affect live connections: access removed, and server certificate replaced.
 */
export interface ApplianceHooks {
  onAccessRemoved(client: string): void;
  onIdentityChanged(identity: ServerIdentity): void;
}

export class Appliance {
  readonly registry: ClientRegistry;
  readonly partitions: PartitionStore;
  readonly vault: DomainVault;
  private hooks: ApplianceHooks = { onAccessRemoved: () => {}, onIdentityChanged: () => {} };

  constructor(
    readonly paths: AppliancePaths,
    readonly config: ApplianceConfig,
    public identity: ServerIdentity,
  ) {
    this.registry = new ClientRegistry(paths.clients);
    this.vault = new DomainVault(paths.vault);
    this.partitions = new PartitionStore(paths.partitions, this.vault);
  }

  setHooks(hooks: ApplianceHooks): void {
    this.hooks = hooks;
  }

  registerClient(input: RegisterInput): ClientRecord {
    return this.registry.register(input);
  }

  assignPartition(client: string, partition: string): void {
    this.registry.get(client);
    this.partitions.get(partition);
    this.registry.assign(client, partition);
  }

  revokePartition(client: string, partition: string): void {
    this.registry.revoke(client, partition);
    this.hooks.onAccessRemoved(client);
  }

  deregisterClient(client: string): void {
    this.registry.deregister(client);
    this.hooks.onAccessRemoved(client);
  }

  async createPartition(label: string, domainSecret?: string): Promise<PartitionRecord> {
    // Without a domain secret the partition gets a domain of its own (clones to nowhere).
    const domain = domainSecret
      ? domainFromSecret(domainSecret)
      : randomDomain(`${this.config.name}/${label}`);
    return this.createPartitionInDomain(label, domain);
  }

  async createPartitionInDomain(label: string, domain: DomainKey): Promise<PartitionRecord> {
    try {
      return await this.partitions.create(label, domain);
    } finally {
      wipe(domain);
    }
  }

  async regenCert(): Promise<ServerIdentity> {
    this.identity = await regenerateServerCert(this.paths, this.config);
    this.hooks.onIdentityChanged(this.identity);
    return this.identity;
  }

  serverFingerprint(): string {
    return new X509Certificate(this.identity.certPem).fingerprint256;
  }

  /** Who is this TLS peer, and may it connect at all? Exact certificate, then validity dates. */
  identifyPeer(
    peerDer: Buffer | undefined,
  ): { ok: true; client: ClientRecord } | { ok: false; reason: string } {
    if (!peerDer || peerDer.length === 0) return { ok: false, reason: "no client certificate presented" };
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(peerDer);
    } catch {
      return { ok: false, reason: "unparsable client certificate" };
    }
    const client = this.registry.findByFingerprint(cert.fingerprint256);
    if (!client) return { ok: false, reason: `certificate ${cert.fingerprint256} is not registered` };
    const outOfDate = datesRefusal(cert, new Date());
    if (outOfDate) return { ok: false, reason: `client ${client.name}: ${outOfDate}` };
    return { ok: true, client };
  }

  authorizeNtls(peerDer: Buffer | undefined): Authorization {
    const peer = this.identifyPeer(peerDer);
    if (!peer.ok) return peer;
    const tokenUris = peer.client.partitions.flatMap((label) => {
      const p = this.partitions.find(label);
      return p ? [`pkcs11:token=${encodeURIComponent(p.label)};serial=${encodeURIComponent(p.serial)}`] : [];
    });
    return { ok: true, client: peer.client.name, tokenUris };
  }

  /** Clone requests: a registered client, assigned to the partition, who knows its password. */
  private partitionForClient(peerDer: Buffer | undefined, label: string): PartitionRecord {
    const peer = this.identifyPeer(peerDer);
    if (!peer.ok) throw new ApplianceError("FORBIDDEN", `Not a registered NTLS client (${peer.reason}).`);
    // Access first: a client learns nothing about partitions it is not assigned.
    if (!peer.client.partitions.includes(label)) {
      throw new ApplianceError(
        "FORBIDDEN",
        `Client ${peer.client.name} has no access to partition ${label}.`,
      );
    }
    return this.partitions.get(label);
  }

  /** Clones inside the appliance: the domain key goes from its vault into its own session only. */
  async cloneExport(
    peerDer: Buffer | undefined,
    label: string,
    password: string,
    idHex: string,
  ): Promise<string> {
    const p = this.partitionForClient(peerDer, label);
    const key = await this.vault.keyOf(p.cloningDomain);
    try {
      return cloneExport(p, password, idHex, key);
    } finally {
      key.fill(0);
    }
  }

  async cloneImport(
    peerDer: Buffer | undefined,
    label: string,
    password: string,
    blob: string,
  ): Promise<{ idHex: string }> {
    const p = this.partitionForClient(peerDer, label);
    const key = await this.vault.keyOf(p.cloningDomain);
    try {
      return cloneImport(p, password, blob, key);
    } finally {
      key.fill(0);
    }
  }

  /**
   * Older lab partitions held their domain key as a token object a partition user could use:
   * remove it (cloning now needs the vault's copy). Returns one log line per partition changed.
   */
  retireInTokenDomainKeys(): string[] {
    return this.partitions.list().flatMap((p) => {
      const removed = retireInTokenDomainKeys(p);
      return removed > 0
        ? [`partition ${p.label}: removed ${removed} in-partition cloning-domain key(s)`]
        : [];
    });
  }
}

/** Why NTLS refuses a registered certificate outside its validity dates (undefined: within them). */
function datesRefusal(cert: X509Certificate, now: Date): string | undefined {
  if (now.getTime() < Date.parse(cert.validFrom)) return `certificate not valid before ${cert.validFrom}`;
  if (now.getTime() > Date.parse(cert.validTo)) return `certificate expired on ${cert.validTo}`;
  return undefined;
}
