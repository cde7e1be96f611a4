import * as pkcs11js from "pkcs11js";
import { AppError } from "@/lib/errors";
import { ckrOf, isCkr } from "../errors";

/**
 * The lab appliance's own, in-process access to its SoftHSM tokens (cloning and partition set-up:
 * work a real appliance does inside the HSM, which p11-kit's RPC cannot carry anyway).
 *
 * One PKCS11 instance for the life of the process (a collected instance silently unloads the
 * module). Each operation initialises, works and finalises: SoftHSM enumerates tokens only at
 * C_Initialize, so a partition created a moment ago is seen. All calls are synchronous, so two
 * operations can never interleave on this instance.
 */
export const SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so";

let module: pkcs11js.PKCS11 | undefined;

function loaded(): pkcs11js.PKCS11 {
  if (!module) {
    const m = new pkcs11js.PKCS11();
    m.load(SOFTHSM_MODULE);
    module = m;
  }
  return module;
}

export interface TokenLogin {
  user: "SO" | "USER";
  pin: string;
}

export interface TokenContext {
  p11: pkcs11js.PKCS11;
  session: Buffer;
  tokenInfo: pkcs11js.TokenInfo;
}

export function withToken<T>(label: string, login: TokenLogin | null, fn: (ctx: TokenContext) => T): T {
  const p11 = loaded();
  p11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  try {
    const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === label);
    if (!slot) throw new AppError("NOT_FOUND", `Partition ${label} does not exist on this HSM.`);
    const tokenInfo = p11.C_GetTokenInfo(slot);
    const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    try {
      if (login) {
        try {
          p11.C_Login(session, login.user === "SO" ? pkcs11js.CKU_SO : pkcs11js.CKU_USER, login.pin);
        } catch (error) {
          if (isCkr(error, "CKR_PIN_INCORRECT")) {
            throw new AppError("HSM_PIN_INCORRECT", `Incorrect password for partition ${label}.`);
          }
          throw error;
        }
      }
      return fn({ p11, session, tokenInfo });
    } finally {
      // Closing the last session also logs out: no login outlives the operation.
      p11.C_CloseSession(session);
    }
  } finally {
    p11.C_Finalize();
  }
}

export function findObjects(ctx: TokenContext, template: pkcs11js.Template): Buffer[] {
  ctx.p11.C_FindObjectsInit(ctx.session, template);
  try {
    return ctx.p11.C_FindObjects(ctx.session, 16);
  } finally {
    ctx.p11.C_FindObjectsFinal(ctx.session);
  }
}

export function readAttributes(ctx: TokenContext, handle: Buffer, types: number[]): Map<number, Buffer> {
  const got = ctx.p11.C_GetAttributeValue(
    ctx.session,
    handle,
    types.map((type) => ({ type })),
  );
  return new Map(got.map((a) => [a.type, a.value as Buffer]));
}

/** The CKR name of a PKCS#11 failure (the layer's one table), else the error's message. */
export function ckrName(error: unknown): string {
  return ckrOf(error)?.name ?? (error instanceof Error ? error.message : String(error));
}

export function isTrue(value: Buffer | undefined): boolean {
  return value !== undefined && value.length > 0 && value[0] !== 0;
}
