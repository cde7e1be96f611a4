/**
 * A token as seen by one module instance: its session pool (one operation per session at a time),
 * its login state (login once per token; never log out under other users) and a cache of object
 * handles (handles are only valid inside this instance and are never returned to callers).
 */
import * as pk from "pkcs11js";
import { AppError } from "../../../lib/errors";
import { isCkr, toAppError } from "../errors";
import type { LoginResult, PinFlags, TokenRef } from "../types";
import type { TokenHost } from "./token-host";

type Handle = Buffer;

export class TokenState {
  private idle: Handle[] = [];
  private open = 0;
  private waiters: Array<(s: Handle) => void> = [];
  private loggedIn = false;
  readonly handles = new Map<string, { handle: Handle; meta?: unknown }>();

  constructor(
    private readonly host: TokenHost,
    readonly ref: Required<TokenRef>,
    readonly slot: Handle,
    private readonly maxSessions: number,
  ) {}

  /** The token itself (label + serial as read from it), whichever reference reached it. */
  private get provenKey(): string {
    return `${this.ref.label}#${this.ref.serial}`;
  }

  private get p(): pk.PKCS11 {
    return this.host.pkcs11;
  }

  counts(): { open: number; idle: number } {
    return { open: this.open, idle: this.idle.length };
  }

  /** Forget sessions and handles (after C_Finalize they are gone anyway). */
  reset(): void {
    this.idle = [];
    this.open = 0;
    this.loggedIn = false;
    this.handles.clear();
  }

  private async acquire(): Promise<Handle> {
    const s = this.idle.pop();
    if (s) return s;
    if (this.open < this.maxSessions) {
      this.open++;
      try {
        return this.p.C_OpenSession(this.slot, pk.CKF_SERIAL_SESSION | pk.CKF_RW_SESSION);
      } catch (error) {
        this.open--;
        throw error;
      }
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(s: Handle, broken: boolean): void {
    if (broken) {
      // Replace a session left with an active operation: open the new one first, so the token never
      // has zero sessions (closing the last session would log the application out).
      try {
        const fresh = this.p.C_OpenSession(this.slot, pk.CKF_SERIAL_SESSION | pk.CKF_RW_SESSION);
        try {
          this.p.C_CloseSession(s);
        } catch {
          // already gone
        }
        s = fresh;
      } catch {
        // keep the old one: better than none
      }
    }
    const waiter = this.waiters.shift();
    if (waiter) waiter(s);
    else this.idle.push(s);
  }

  /** Runs `fn` on a pooled session, logged in (with the stored partition password) when `login`. */
  async withSession<T>(login: boolean, fn: (session: Handle) => Promise<T> | T): Promise<T> {
    const session = this.idle.pop() ?? (await this.acquire());
    let broken = false;
    try {
      if (login) this.ensureLoggedIn(session);
      return await fn(session);
    } catch (error) {
      // One operation per session: an error that leaves an operation active poisons the session.
      broken = isCkr(error, "CKR_OPERATION_ACTIVE") || isCkr(error, "CKR_BUFFER_TOO_SMALL");
      if (isCkr(error, "CKR_USER_NOT_LOGGED_IN")) this.loggedIn = false;
      throw error;
    } finally {
      this.release(session, broken);
    }
  }

  private ensureLoggedIn(session: Handle): void {
    if (this.loggedIn) return;
    const pin = this.host.pins.get(this.ref.label);
    if (pin === undefined) {
      throw new AppError(
        "HSM_NOT_LOGGED_IN",
        `The console is not logged in to HSM partition "${this.ref.label}". Enter the partition password (test the connection) first.`,
      );
    }
    this.loginOnce(session, pin);
  }

  /**
   * Exactly one C_Login per call; a wrong password is forgotten so it is never retried.
   * Returns "already" when the application was logged in already by this token state with this
   * password; a login made by anyone else proves nothing about `pin` and is refused.
   */
  private loginOnce(session: Handle, pin: string): "checked" | "already" {
    try {
      this.host.stats.loginCalls++;
      this.p.C_Login(session, pk.CKU_USER, pin);
      this.loggedIn = true;
      this.host.provenPins.set(this.provenKey, pin);
      return "checked";
    } catch (error) {
      if (isCkr(error, "CKR_USER_ALREADY_LOGGED_IN")) {
        if (this.host.provenPins.get(this.provenKey) !== pin) {
          throw new AppError(
            "HSM_LOGIN_UNPROVEN",
            `HSM partition "${this.ref.label}" is already logged in by another connection, so this password cannot be checked. Each HSM group needs its own connection to the partition; close the other one or ask the HSM administrator.`,
            { field: "partitionPassword" },
          );
        }
        this.loggedIn = true;
        return "already";
      }
      if (
        isCkr(error, "CKR_PIN_INCORRECT") ||
        isCkr(error, "CKR_PIN_LOCKED") ||
        isCkr(error, "CKR_PIN_EXPIRED")
      ) {
        this.host.pins.delete(this.ref.label);
        const app = toAppError(error, `Login to "${this.ref.label}"`);
        let pinFlags: PinFlags | undefined;
        try {
          pinFlags = this.pinFlags();
        } catch {
          // the flags are a bonus: the PIN error is what matters
        }
        throw new AppError(app.code, app.message, {
          details: { ...app.details, ...(pinFlags ? { pinFlags } : {}) },
        });
      }
      throw error;
    }
  }

  /** User action "log in / test connection": one C_Login at most. */
  async login(pin: string): Promise<LoginResult> {
    if (this.loggedIn && this.host.provenPins.get(this.provenKey) === pin) {
      return { loginCalled: false, alreadyLoggedIn: true, pinFlags: this.pinFlags() };
    }
    return this.withSession(false, (session) => {
      const outcome = this.loginOnce(session, pin);
      this.host.pins.set(this.ref.label, pin);
      return { loginCalled: true, alreadyLoggedIn: outcome === "already", pinFlags: this.pinFlags() };
    });
  }

  isLoggedIn(): boolean {
    return this.loggedIn;
  }

  pinFlags(): PinFlags {
    const f = this.p.C_GetTokenInfo(this.slot).flags;
    return {
      userPinCountLow: (f & pk.CKF_USER_PIN_COUNT_LOW) !== 0,
      userPinFinalTry: (f & pk.CKF_USER_PIN_FINAL_TRY) !== 0,
      userPinLocked: (f & pk.CKF_USER_PIN_LOCKED) !== 0,
      userPinToBeChanged: (f & pk.CKF_USER_PIN_TO_BE_CHANGED) !== 0,
    };
  }

  /** Finds objects; FindObjectsInit/Final on the caller's session (one operation per session). */
  find(session: Handle, template: pk.Template, max = 100): Handle[] {
    this.p.C_FindObjectsInit(session, template);
    try {
      return this.p.C_FindObjects(session, max);
    } finally {
      this.p.C_FindObjectsFinal(session);
    }
  }

  /** The SO ceremony: only on a token that this instance has not logged in as user. */
  async withSoSession<T>(soPin: string, fn: (session: Handle) => Promise<T> | T): Promise<T> {
    if (this.loggedIn) {
      throw new AppError(
        "CONFLICT",
        "The security officer cannot log in while the console's crypto user is logged in to this partition. Use a separate connection for the ceremony.",
      );
    }
    const session = this.p.C_OpenSession(this.slot, pk.CKF_SERIAL_SESSION | pk.CKF_RW_SESSION);
    try {
      this.p.C_Login(session, pk.CKU_SO, soPin);
      try {
        return await fn(session);
      } finally {
        this.p.C_Logout(session);
      }
    } finally {
      this.p.C_CloseSession(session);
    }
  }
}
