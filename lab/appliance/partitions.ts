import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { VAULT_LABEL } from "./cloning-domain";
import { withToken } from "./softhsm";
import type { DomainKey } from "./domain-key";
import { ApplianceError } from "./errors";
import { readJson, writeJsonAtomic } from "./json-file";
import { randomSecret } from "./secrets";
import type { DomainVault } from "./vault";

const run = promisify(execFile);

/**
 * Partitions are SoftHSM tokens of this appliance's own SOFTHSM2_CONF. The record keeps what
 * the appliance's administrator knows: label, serial (SoftHSM's token serial), the partition
 * password handed to clients, the partition SO PIN (used only to create the appliance's
 * session copy of the domain key when it clones) and the cloning domain's name (the key itself
 * is in the appliance's vault, never in the partition). The file is 0600 in the appliance folder.
 */
export interface PartitionRecord {
  label: string;
  serial: string;
  password: string;
  soPin: string;
  cloningDomain: string;
  createdAt: string;
}

interface PartitionsFile {
  partitions: PartitionRecord[];
}

const LABEL_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

export class PartitionStore {
  constructor(
    private readonly file: string,
    private readonly vault: DomainVault,
  ) {}

  list(): PartitionRecord[] {
    return readJson<PartitionsFile>(this.file, { partitions: [] }).partitions;
  }

  find(label: string): PartitionRecord | undefined {
    return this.list().find((p) => p.label === label);
  }

  get(label: string): PartitionRecord {
    const found = this.find(label);
    if (!found) throw new ApplianceError("NOT_FOUND", `Partition ${label} does not exist on this HSM.`);
    return found;
  }

  /** Creations run one at a time: two of the same label must not both pass the existence check. */
  private queue: Promise<unknown> = Promise.resolve();

  create(label: string, domain: DomainKey): Promise<PartitionRecord> {
    const next = this.queue.then(() => this.createNow(label, domain));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async createNow(label: string, domain: DomainKey): Promise<PartitionRecord> {
    if (!LABEL_RE.test(label)) {
      throw new ApplianceError(
        "VALIDATION",
        `Invalid partition name "${label}" (letters, digits, . _ -; 32 max).`,
      );
    }
    if (label === VAULT_LABEL)
      throw new ApplianceError("VALIDATION", `Partition name ${label} is reserved by the appliance.`);
    if (this.find(label)) throw new ApplianceError("CONFLICT", `Partition ${label} already exists.`);
    // The domain key first: a partition must never exist in a domain this appliance cannot use.
    await this.vault.store(domain);
    const password = randomSecret(12);
    const soPin = randomSecret(12);
    try {
      await run(
        "softhsm2-util",
        ["--init-token", "--free", "--label", label, "--pin", password, "--so-pin", soPin],
        {
          env: process.env,
        },
      );
    } catch (error) {
      throw new ApplianceError(
        "HSM_ERROR",
        `Could not create partition ${label}: ${(error as Error).message}`,
      );
    }
    let serial: string;
    try {
      serial = withToken(label, { user: "SO", pin: soPin }, (ctx) => ctx.tokenInfo.serialNumber.trim());
    } catch (error) {
      await run("softhsm2-util", ["--delete-token", "--token", label], { env: process.env }).catch(
        () => undefined,
      );
      throw error;
    }
    const record: PartitionRecord = {
      label,
      serial,
      password,
      soPin,
      cloningDomain: domain.name,
      createdAt: new Date().toISOString(),
    };
    writeJsonAtomic(this.file, { partitions: [...this.list(), record] } satisfies PartitionsFile);
    return record;
  }
}
