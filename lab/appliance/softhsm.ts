import fs from "node:fs";
import * as pkcs11js from "pkcs11js";
import { AppError } from "@/lib/errors";
import type { AppliancePaths } from "./paths";

/**
 * The lab appliance's own SoftHSM: its private configuration, and its in-process access to its
 * tokens (cloning and partition set-up: work a real appliance does inside the HSM, which
 * p11-kit's RPC cannot carry anyway). Written for the appliance side on purpose, apart from the
 * console's PKCS#11 layer (server/pkcs11), so that one bug cannot pass both sides' tests.
 *
 * One PKCS11 instance for the life of the process (a collected instance silently unloads the
 * module). Each operation initialises, works and finalises: SoftHSM enumerates tokens only at
 * C_Initialize, so a partition created a moment ago is seen. All calls are synchronous, so two
 * operations can never interleave on this instance.
 */
export const SOFTHSM_MODULE = "/usr/lib/softhsm/libsofthsm2.so";

/** The appliance's private SoftHSM configuration: its tokens only, never the system default. */
export function ensureSofthsmConf(paths: AppliancePaths): void {
  fs.mkdirSync(paths.tokens, { recursive: true, mode: 0o700 });
  const text = `directories.tokendir = ${paths.tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`;
  if (!fs.existsSync(paths.softhsmConf) || fs.readFileSync(paths.softhsmConf, "utf8") !== text) {
    fs.writeFileSync(paths.softhsmConf, text, { mode: 0o600 });
  }
}

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
    const ctx = { p11, session, tokenInfo };
    try {
      if (login) logIn(ctx, label, login);
      return fn(ctx);
    } finally {
      // Closing the last session also logs out: no login outlives the operation.
      p11.C_CloseSession(session);
    }
  } finally {
    p11.C_Finalize();
  }
}

/** C_Login on the context's session; a wrong password is the partition's, said as such. */
export function logIn(ctx: TokenContext, label: string, login: TokenLogin): void {
  try {
    ctx.p11.C_Login(ctx.session, login.user === "SO" ? pkcs11js.CKU_SO : pkcs11js.CKU_USER, login.pin);
  } catch (error) {
    if (ckrName(error) === "CKR_PIN_INCORRECT") {
      throw new AppError("HSM_PIN_INCORRECT", `Incorrect password for partition ${label}.`);
    }
    throw error;
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

export function isTrue(value: Buffer | undefined): boolean {
  return value !== undefined && value.length > 0 && value[0] !== 0;
}

/**
 * Return values by number, from pkcs11js' own constants (the appliance does not share the
 * console's CKR table). pkcs11js has no constant for CKR_ACTION_PROHIBITED (0x1b), which SoftHSM
 * returns when a protected attribute is changed.
 */
const CKR_BY_CODE = new Map<number, string>([
  ...Object.entries(pkcs11js).flatMap(([name, value]) =>
    name.startsWith("CKR_") && typeof value === "number" ? [[value, name] as [number, string]] : [],
  ),
  [0x1b, "CKR_ACTION_PROHIBITED"],
]);

/**
 * The CKR name of a failed pkcs11js call, for the appliance's answers and log: `Pkcs11Error`
 * carries the number in `.code`; C_CreateObject and friends throw `Error("CKR_NAME:number")`.
 */
export function ckrName(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | null)?.code;
  const number = typeof code === "number" ? code : Number(/CKR_\w+:(\d+)/.exec(text)?.[1] ?? Number.NaN);
  return CKR_BY_CODE.get(number) ?? /CKR_[A-Z0-9_]+/.exec(text)?.[0] ?? text;
}
