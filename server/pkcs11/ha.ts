/**
 * HA across HSM devices: a virtual slot over the members of an HSM group (parent side).
 * Keys are generated on one member and replicated to every other member (same CKA_ID and label,
 * copies non-extractable); operations go to a healthy member and fail over; a member that comes
 * back is re-synchronised. Replication never exposes key material to the console: it goes through
 * a ReplicationTransport — by default wrap/unwrap under the group's cloning-domain key inside the
 * members; for lab appliances (p11-kit carries no AES key wrap) the appliances' clone API.
 */

import { AppError } from "../../lib/errors";
import type { KeySigner } from "./client";
import { toAppError } from "./errors";
import type { HaMember, ReplicationBlob, ReplicationTransport } from "./ha-transports";
import type { MemberCustody } from "./ha-custody";
import type { MemberHealth, ReplicationReport } from "./ha-types";
import type { GenerateKeyPairInput, KeyInfo, SignInput, TokenRef, VerifyInput } from "./types";

/** Errors after which another member may succeed. */
const FAILOVER_CODES = new Set([
  "HSM_UNAVAILABLE",
  "HSM_TIMEOUT",
  "HSM_DEVICE_ERROR",
  "HSM_TOKEN_NOT_PRESENT",
  "HSM_NOT_LOGGED_IN",
  "HSM_OBJECT_NOT_FOUND",
  "HSM_ERROR",
]);

export interface HaGroupOptions {
  name: string;
  members: HaMember[];
  transport: ReplicationTransport;
}

export class HaGroup implements KeySigner {
  private readonly state = new Map<string, MemberHealth>();
  private enabled = false;

  constructor(readonly options: HaGroupOptions) {
    if (options.members.length === 0)
      throw new AppError("VALIDATION", "An HSM group needs at least one member.");
    for (const m of options.members) {
      this.state.set(m.name, {
        name: m.name,
        token: m.token,
        reachable: true,
        loggedIn: true,
        latencyMs: 0,
        checkedAt: new Date(0).toISOString(),
      });
    }
  }

  /** The group as one virtual token (for URIs and display). */
  get virtualToken(): TokenRef {
    return { label: this.options.name };
  }

  /** Turns HA on only if every member can replicate; otherwise explains why not. */
  async enable(): Promise<void> {
    if (this.options.members.length < 2) {
      throw new AppError("VALIDATION", "HA needs at least two HSMs in the group.", { field: "isHa" });
    }
    const reason = await this.options.transport.check(this.options.members);
    if (reason) throw new AppError("CONFLICT", `HA cannot be enabled: ${reason}`, { field: "isHa" });
    this.enabled = true;
  }

  /** Measures, per member, whether HA keys would be cloneable there (CLONEABLE_MEANING). */
  measureCustody(): Promise<MemberCustody[]> {
    return this.options.transport.custody(this.options.members);
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Measures every member (reachable, logged in, latency of a cheap call, last error); re-syncs members that came back. */
  async health(): Promise<MemberHealth[]> {
    const results = await Promise.all(
      this.options.members.map(async (m) => {
        const before = this.state.get(m.name);
        const h = await m.client.health(m.token).catch((e: unknown) => ({
          token: m.token,
          reachable: false,
          loggedIn: false,
          latencyMs: 0,
          lastError: toAppError(e).message,
        }));
        const next: MemberHealth = {
          name: m.name,
          token: m.token,
          reachable: h.reachable,
          loggedIn: h.loggedIn,
          latencyMs: h.latencyMs,
          ...(h.lastError ? { lastError: h.lastError } : {}),
          checkedAt: new Date().toISOString(),
        };
        this.state.set(m.name, next);
        return { member: m, cameBack: before?.reachable === false && next.reachable };
      }),
    );
    if (this.enabled && results.some((r) => r.cameBack)) await this.resync();
    return this.options.members.map((m) => this.state.get(m.name) as MemberHealth);
  }

  /**
   * Measures the members every `intervalMs` (members that come back are re-synchronised). Safe on
   * every console node: it only reads, and re-sync only copies missing keys. Returns a stop function.
   */
  startMonitor(intervalMs = 30_000): () => void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      this.health()
        .catch(() => undefined)
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** The members' state as last measured or seen by operations (no HSM call). */
  lastHealth(): MemberHealth[] {
    return this.options.members.map((m) => this.state.get(m.name) as MemberHealth);
  }

  /** Names of the members in the order operations try them. */
  memberOrder(): string[] {
    return this.ordered().map((m) => m.name);
  }

  /** Healthy members first (lowest latency first), then the others as a last resort. */
  private ordered(): HaMember[] {
    const score = (m: HaMember) => {
      const s = this.state.get(m.name);
      return (s?.reachable ? 0 : 1e9) + (s?.latencyMs ?? 0);
    };
    return [...this.options.members].sort((a, b) => score(a) - score(b));
  }

  private markDown(m: HaMember, error: AppError): void {
    const s = this.state.get(m.name);
    if (s)
      this.state.set(m.name, {
        ...s,
        reachable: false,
        lastError: error.message,
        checkedAt: new Date().toISOString(),
      });
  }

  private markUp(m: HaMember): void {
    const s = this.state.get(m.name);
    if (s && !s.reachable)
      this.state.set(m.name, { ...s, reachable: true, checkedAt: new Date().toISOString() });
  }

  /** Runs `fn` on the first member that answers; fails over on availability errors. */
  private async onAny<T>(what: string, fn: (m: HaMember) => Promise<T>): Promise<T> {
    let last: AppError | undefined;
    for (const m of this.ordered()) {
      try {
        const result = await fn(m);
        this.markUp(m);
        return result;
      } catch (error) {
        const app = toAppError(error);
        if (!FAILOVER_CODES.has(app.code)) throw app;
        if (app.code !== "HSM_OBJECT_NOT_FOUND") this.markDown(m, app);
        last = app;
      }
    }
    throw new AppError(
      last?.code ?? "HSM_UNAVAILABLE",
      `No member of HSM group "${this.options.name}" could ${what}: ${last?.message ?? "no members"}`,
      {
        details: { group: this.options.name },
      },
    );
  }

  /** Generates on one healthy member and replicates to every other member. */
  async generateKeyPair(
    input: Omit<GenerateKeyPairInput, "token" | "replicable">,
  ): Promise<{ key: KeyInfo; replication: ReplicationReport }> {
    const replicable = this.enabled && this.options.transport.needsReplicableSource;
    const { key, source } = await this.onAny("generate the key", async (m) => ({
      key: await m.client.generateKeyPair({ ...input, token: m.token, replicable }),
      source: m,
    }));
    const replication = this.enabled
      ? await this.replicate(
          source,
          input.idHex,
          this.options.members.filter((m) => m !== source),
        )
      : { idHex: input.idHex, source: source.name, replicatedTo: [], failed: [] };
    return { key, replication };
  }

  private async replicate(source: HaMember, idHex: string, targets: HaMember[]): Promise<ReplicationReport> {
    const report: ReplicationReport = { idHex, source: source.name, replicatedTo: [], failed: [] };
    if (targets.length === 0) return report;
    let blob: ReplicationBlob;
    try {
      blob = await this.options.transport.exportKey(source, idHex);
    } catch (error) {
      // The key exists on the source: report instead of throwing, so the caller keeps track of it.
      const message = toAppError(error).message;
      for (const target of targets) report.failed.push({ member: target.name, error: message });
      return report;
    }
    for (const target of targets) {
      try {
        await this.options.transport.importKey(target, blob);
        report.replicatedTo.push(target.name);
      } catch (error) {
        const app = toAppError(error);
        this.markDown(target, app);
        report.failed.push({ member: target.name, error: app.message });
      }
    }
    return report;
  }

  /**
   * Copies keys missing on a member from a member that can export them (with the wrap transport,
   * the member holding the original, replicable key). Never deletes anything; aborts on a partial view.
   */
  async resync(): Promise<ReplicationReport[]> {
    const inventory = new Map<HaMember, KeyInfo[]>();
    for (const m of this.options.members) {
      try {
        inventory.set(m, await m.client.findKeys(m.token));
      } catch (error) {
        this.markDown(m, toAppError(error));
      }
    }
    const reports: ReplicationReport[] = [];
    const allIds = new Map<string, KeyInfo>();
    for (const keys of inventory.values()) for (const k of keys) allIds.set(k.idHex, k);
    for (const [idHex] of allIds) {
      const holders = [...inventory].filter(([, keys]) => keys.some((k) => k.idHex === idHex));
      const missing = [...inventory.keys()].filter((m) => !holders.some(([h]) => h === m));
      if (missing.length === 0) continue;
      const source = this.options.transport.needsReplicableSource
        ? holders.find(([, keys]) =>
            keys.some((k) => k.idHex === idHex && k.extractable && k.wrapWithTrusted),
          )?.[0]
        : holders[0]?.[0];
      if (!source) continue;
      reports.push(await this.replicate(source, idHex, missing));
    }
    return reports;
  }

  async getPublicKey(_token: TokenRef, idHex: string): Promise<Buffer> {
    return this.onAny("read the public key", (m) => m.client.getPublicKey(m.token, idHex));
  }

  async sign(input: Omit<SignInput, "token"> & { token?: TokenRef }): Promise<Buffer> {
    return this.onAny("sign", (m) => m.client.sign({ ...input, token: m.token }));
  }

  async verify(input: Omit<VerifyInput, "token"> & { token?: TokenRef }): Promise<boolean> {
    return this.onAny("verify", (m) => m.client.verify({ ...input, token: m.token }));
  }

  /** Keys of the group as seen on the first member that answers. */
  async findKeys(filter: { idHex?: string; label?: string } = {}): Promise<KeyInfo[]> {
    return this.onAny("list keys", (m) => m.client.findKeys(m.token, filter));
  }

  /** Destroys the key on every member; reports members that could not be reached. */
  async destroyKey(
    idHex: string,
  ): Promise<{ destroyed: string[]; failed: Array<{ member: string; error: string }> }> {
    const destroyed: string[] = [];
    const failed: Array<{ member: string; error: string }> = [];
    for (const m of this.options.members) {
      try {
        await m.client.destroyKey(m.token, idHex);
        destroyed.push(m.name);
      } catch (error) {
        failed.push({ member: m.name, error: toAppError(error).message });
      }
    }
    return { destroyed, failed };
  }
}
