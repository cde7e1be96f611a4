/**
 * One PKCS#11 module instance (worker side): loaded once, C_Initialize with CKF_OS_LOCKING_OK,
 * never garbage-collected, never finalised while calls are in flight. A CKR_DEVICE_ERROR (or a
 * network module whose token vanished) marks it for recovery: new calls wait, in-flight calls
 * drain, then C_Finalize + C_Initialize; sessions are reopened and logins restored lazily.
 */
import * as pk from "pkcs11js";
import { AppError } from "../../../lib/errors";
import { ckrOf, isCkr } from "../errors";
import type { TokenRef, WorkerStats } from "../types";
import { TokenState } from "./token";
import type { TokenHost } from "./token-host";

const RECOVER_ON = new Set([
  "CKR_DEVICE_ERROR",
  "CKR_DEVICE_REMOVED",
  "CKR_GENERAL_ERROR",
  "CKR_CRYPTOKI_NOT_INITIALIZED",
  "CKR_SESSION_HANDLE_INVALID",
  "CKR_SESSION_CLOSED",
]);

export interface ModuleOptions {
  libraryPath: string;
  /** Network modules (p11-kit-client): an empty slot list means "reconnect before the next call". */
  network: boolean;
  maxSessionsPerToken: number;
}

export class ModuleHost implements TokenHost {
  readonly pkcs11 = new pk.PKCS11();
  private loaded = false;
  private initialized = false;
  private needsRecovery = false;
  private recovering: Promise<void> | undefined;
  private inflight = 0;
  private drainWaiters: Array<() => void> = [];
  private readonly tokens = new Map<string, TokenState>();
  /** Partition passwords given by a successful login, kept to restore logins after recovery. */
  readonly pins = new Map<string, string>();
  /**
   * Per token (label#serial read from it): the password C_Login accepted in this process, the only
   * proof a CKR_USER_ALREADY_LOGGED_IN answer may lean on.
   */
  readonly provenPins = new Map<string, string>();
  readonly stats: Omit<WorkerStats, "sessions"> = { loginCalls: 0, recoveries: 0, operationActiveErrors: 0 };

  /** Test hook (HSM_PKCS11_TEST_HOOKS=1): the next call fails with this CKR ("CKR_NAME:code"). */
  injectedFault: string | undefined;

  constructor(readonly options: ModuleOptions) {}

  private initialize(): void {
    if (!this.loaded) {
      try {
        this.pkcs11.load(this.options.libraryPath);
      } catch (error) {
        throw new AppError(
          "HSM_ERROR",
          `The HSM library ${this.options.libraryPath} could not be loaded (${error instanceof Error ? error.message.split("\n")[0] : String(error)}). Check the path and that the vendor's client software is installed.`,
        );
      }
      this.loaded = true;
    }
    try {
      this.pkcs11.C_Initialize({ flags: pk.CKF_OS_LOCKING_OK });
    } catch (error) {
      if (!isCkr(error, "CKR_CRYPTOKI_ALREADY_INITIALIZED")) throw error;
    }
    this.initialized = true;
  }

  /** Waits for a pending recovery and initialises on first use. */
  private async ready(): Promise<void> {
    if (this.needsRecovery && !this.recovering) {
      const recovering = this.recover();
      this.recovering = recovering;
      // Cleared here, not inside recover(): it may complete before the assignment above.
      void recovering
        .finally(() => {
          if (this.recovering === recovering) this.recovering = undefined;
        })
        .catch(() => undefined);
    }
    if (this.recovering) await this.recovering;
    if (!this.initialized) this.initialize();
  }

  private async recover(): Promise<void> {
    while (this.inflight > 0) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    for (const token of this.tokens.values()) token.reset();
    this.tokens.clear();
    if (this.initialized) {
      try {
        this.pkcs11.C_Finalize();
      } catch {
        // A dead peer may refuse: the instance is re-initialised below either way.
      }
    }
    this.initialized = false;
    this.stats.recoveries++;
    this.needsRecovery = false;
    this.initialize();
  }

  /** Runs `fn` as one tracked call; a device-level failure schedules recovery. */
  async call<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.needsRecovery || this.recovering || !this.initialized) await this.ready();
    this.inflight++;
    try {
      if (this.injectedFault) {
        const fault = this.injectedFault;
        this.injectedFault = undefined;
        throw new Error(fault); // same shape as pkcs11js' plain errors: classified below
      }
      return await fn();
    } catch (error) {
      const ckr = ckrOf(error);
      if (ckr && RECOVER_ON.has(ckr.name)) {
        this.needsRecovery = true;
        // Through p11-kit a dead appliance or connector shows as CKR_DEVICE_ERROR on every call.
        if (this.options.network) {
          throw new AppError(
            "HSM_UNAVAILABLE",
            "The connection to the HSM appliance was lost. The console reconnects on the next operation; check that the appliance and its connector are up.",
            { details: { ckr: ckr.name } },
          );
        }
      }
      if (ckr?.name === "CKR_OPERATION_ACTIVE") this.stats.operationActiveErrors++;
      throw error;
    } finally {
      this.inflight--;
      if (this.inflight === 0) for (const w of this.drainWaiters.splice(0)) w();
    }
  }

  /** Finds the token by label (+ serial) in the current slot list; never trusts a stored slot id. */
  token(ref: TokenRef): TokenState {
    const key = tokenKey(ref);
    const known = this.tokens.get(key);
    if (known) return known;
    const slots = this.pkcs11.C_GetSlotList(true);
    for (const slot of slots) {
      const info = this.pkcs11.C_GetTokenInfo(slot);
      const label = info.label.trimEnd();
      const serial = info.serialNumber.trimEnd();
      if (label === ref.label && (!ref.serial || ref.serial === serial)) {
        const state = new TokenState(this, { label, serial }, slot, this.options.maxSessionsPerToken);
        this.tokens.set(key, state);
        return state;
      }
    }
    // An empty list from a network module means the connection is gone: reconnect next time.
    if (slots.length === 0 || this.options.network) this.needsRecovery = true;
    throw new AppError(
      slots.length === 0 ? "HSM_UNAVAILABLE" : "HSM_TOKEN_NOT_PRESENT",
      slots.length === 0
        ? "The HSM reports no partitions: the appliance is unreachable or this client has no partition assigned. Check the appliance, then retry."
        : `No HSM partition labelled "${ref.label}"${ref.serial ? ` with serial ${ref.serial}` : ""} is visible to this client. Check the partition name and that it is assigned to this client.`,
      { details: { token: ref.label } },
    );
  }

  forgetToken(ref: TokenRef): void {
    const key = tokenKey(ref);
    this.tokens.get(key)?.reset();
    this.tokens.delete(key);
  }

  sessionStats(): WorkerStats["sessions"] {
    const out: WorkerStats["sessions"] = {};
    for (const [key, t] of this.tokens) out[key] = t.counts();
    return out;
  }
}

export function tokenKey(ref: TokenRef): string {
  return ref.serial ? `${ref.label}#${ref.serial}` : ref.label;
}
