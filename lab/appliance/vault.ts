import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { domainKeyValue, storeDomainKey, VAULT_LABEL } from "./cloning-domain";
import type { DomainKey } from "./domain-key";
import { ApplianceError } from "./errors";
import { readJson, writeJsonAtomic } from "./json-file";
import { randomSecret } from "./secrets";

const run = promisify(execFile);

interface VaultFile {
  pin: string;
  soPin: string;
}

/**
 * The appliance's own token for its cloning-domain keys (cloning-domain.ts
 * says why): never a partition, never assigned to a client, its PINs only in vault.json (0600).
 */
export class DomainVault {
  private ready: VaultFile | undefined;

  constructor(private readonly file: string) {}

  /** Creates the vault token on first use (one appliance process: no concurrent creation). */
  private async open(): Promise<VaultFile> {
    this.ready ??= readJson<VaultFile | null>(this.file, null) ?? (await this.create());
    return this.ready;
  }

  private async create(): Promise<VaultFile> {
    const pin = randomSecret(12);
    const soPin = randomSecret(12);
    try {
      await run(
        "softhsm2-util",
        ["--init-token", "--free", "--label", VAULT_LABEL, "--pin", pin, "--so-pin", soPin],
        { env: process.env },
      );
      const vault = { pin, soPin };
      writeJsonAtomic(this.file, vault);
      return vault;
    } catch (error) {
      throw new ApplianceError(
        "HSM_ERROR",
        `Could not create the appliance's domain vault: ${(error as Error).message}`,
      );
    }
  }

  async store(domain: DomainKey): Promise<void> {
    storeDomainKey((await this.open()).pin, domain);
  }

  /** The domain key's value for one clone; the caller zero-fills it. */
  async keyOf(domainName: string): Promise<Buffer> {
    return domainKeyValue((await this.open()).pin, domainName);
  }
}
