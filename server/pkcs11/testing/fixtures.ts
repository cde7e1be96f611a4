/** Test fixtures: SoftHSM tokens in temp folders and p11-kit servers over them. Used by tests and benches. */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Pkcs11Client } from "../client";
import type { Clock } from "../clock";
import { HsmConnection } from "../connection";
import type { ConnectionSpec } from "../connection-spec";
import { createCloningKey } from "../native/cloning-key";
import { createSoftHsmEnvironment, initSoftHsmToken, SOFTHSM_LIBRARY } from "../softhsm";

export const USER_PIN = "1234";
export const SO_PIN = "so-1234";

export interface SoftHsmFixture {
  dir: string;
  confPath: string;
  tokens: Array<{ label: string; serial: string }>;
  spec(name: string, extra?: Partial<ConnectionSpec>): ConnectionSpec;
  cleanup(): Promise<void>;
}

export async function softHsmFixture(labels: string[]): Promise<SoftHsmFixture> {
  const dir = await mkdtemp(path.join(tmpdir(), "pkcs11-test-"));
  const env = await createSoftHsmEnvironment(dir);
  const tokens = [];
  for (const label of labels) {
    const { serial } = await initSoftHsmToken({
      confPath: env.confPath,
      label,
      soPin: SO_PIN,
      userPin: USER_PIN,
    });
    tokens.push({ label, serial });
  }
  return {
    dir,
    confPath: env.confPath,
    tokens,
    spec: (name, extra = {}) => ({
      name,
      libraryPath: SOFTHSM_LIBRARY,
      env: { SOFTHSM2_CONF: env.confPath },
      timeoutMs: 15_000,
      ...extra,
    }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A client of its own connection; `clock` decides when its deadlines pass (default: the system's). */
export function clientFor(spec: ConnectionSpec, clock?: Clock): Pkcs11Client {
  return new Pkcs11Client(new HsmConnection(spec, clock));
}

/**
 * The SO ceremony of an HA group: the same trusted AES key goes into every member through the
 * native helper, which also sets CKA_UNWRAP_TEMPLATE / CKA_WRAP_TEMPLATE (pkcs11js cannot).
 * `templates: false` makes the key a non-enforcing token would have (old ceremony, other vendors).
 */
export async function installCloningKey(
  hsm: SoftHsmFixture,
  tokens: string[],
  label: string,
  value: Buffer,
  opts: { templates?: boolean } = {},
): Promise<void> {
  for (const token of tokens) {
    await createCloningKey({
      libraryPath: SOFTHSM_LIBRARY,
      env: { SOFTHSM2_CONF: hsm.confPath },
      token,
      soPin: SO_PIN,
      label,
      value: Buffer.from(value), // the helper's wrapper zeroes what it is given
      ...opts,
    });
  }
}

export async function poll<T>(
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error("poll timed out");
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A p11-kit server exporting one SoftHSM token on a unix socket (the lab appliance's code path). */
export class P11KitServer {
  private child: ChildProcess | undefined;
  constructor(
    readonly socketPath: string,
    readonly confPath: string,
    readonly tokenLabel: string,
  ) {}

  async start(): Promise<void> {
    await rm(this.socketPath, { force: true });
    this.child = spawn(
      "p11-kit",
      [
        "server",
        "--provider",
        SOFTHSM_LIBRARY,
        "-f",
        "-n",
        this.socketPath,
        `pkcs11:token=${this.tokenLabel}`,
      ],
      {
        env: { ...process.env, SOFTHSM2_CONF: this.confPath },
        stdio: ["ignore", "ignore", "inherit"],
        detached: true,
      },
    );
    await poll(() => existsSync(this.socketPath) || undefined, 10_000, 20);
  }

  /** Signals the whole process group (the server forks one process per client connection). */
  signal(sig: NodeJS.Signals): void {
    if (this.child?.pid) {
      try {
        process.kill(-this.child.pid, sig);
      } catch {
        // already gone
      }
    }
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child?.pid) return;
    this.signal("SIGCONT");
    this.signal("SIGKILL");
    if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once("exit", r));
    this.child = undefined;
  }
}
