/**
 * Conversion of PKCS#11 errors (both pkcs11js shapes) to AppError through the one CKR table
 * (ckr-table.ts), and their wire form between worker and parent. Everything in server/pkcs11
 * converts errors here.
 * This file does not import pkcs11js: it also runs in the web server process.
 */
import { AppError, isAppError } from "../../lib/errors";

import { CKR_NAMES_BY_VALUE, CKR_TABLE } from "./ckr-table";

export { CKR_TABLE };

export interface CkrInfo {
  name: string;
  value: number;
}

/**
 * Reads the CKR code from either pkcs11js error shape: `Pkcs11Error` (`.code` number, message
 * `CKR_NAME`) or the plain `Error('CKR_NAME:code')` thrown by C_CreateObject / C_SetAttributeValue /
 * C_CopyObject. Returns undefined for anything that is not a PKCS#11 return value.
 */
export function ckrOf(error: unknown): CkrInfo | undefined {
  if (!(error instanceof Error)) return undefined;
  const withCode = error as Error & { code?: unknown };
  const match = /(CKR_[A-Z0-9_]+)(?::(\d+))?/.exec(error.message);
  if (typeof withCode.code === "number" && withCode.code > 0) {
    return {
      name: CKR_NAMES_BY_VALUE.get(withCode.code) ?? match?.[1] ?? `CKR_0x${withCode.code.toString(16)}`,
      value: withCode.code,
    };
  }
  if (match?.[1]) {
    const value = match[2] === undefined ? -1 : Number(match[2]);
    // pkcs11js names codes it does not know (e.g. CKR_ACTION_PROHIBITED) "CKR_VENDOR_DEFINED".
    return { name: CKR_NAMES_BY_VALUE.get(value) ?? match[1], value };
  }
  return undefined;
}

export function isCkr(error: unknown, name: string): boolean {
  return ckrOf(error)?.name === name;
}

/** Converts anything thrown by pkcs11js (or by this layer) to an AppError. Never includes key material. */
export function toAppError(error: unknown, context?: string): AppError {
  if (isAppError(error)) return error;
  const ckr = ckrOf(error);
  if (ckr) {
    const entry = CKR_TABLE[ckr.name];
    const prefix = context ? `${context}: ` : "";
    if (entry) return new AppError(entry.code, `${prefix}${entry.message}`, { details: { ckr: ckr.name } });
    return new AppError(
      "HSM_ERROR",
      `${prefix}The HSM returned ${ckr.name}. Check the appliance logs and retry.`,
      {
        details: { ckr: ckr.name },
      },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AppError("HSM_ERROR", `${context ? `${context}: ` : ""}Unexpected HSM layer error: ${message}`);
}

export function timeoutError(operation: string, timeoutMs: number): AppError {
  return new AppError(
    "HSM_TIMEOUT",
    `The HSM did not answer "${operation}" within ${timeoutMs} ms. The connection was reset; check that the appliance is up and reachable, then retry.`,
    { details: { operation, timeoutMs } },
  );
}

export function unavailableError(reason: string): AppError {
  return new AppError(
    "HSM_UNAVAILABLE",
    `The HSM connection is unavailable (${reason}). The console reconnects on the next operation; check the appliance and the network.`,
  );
}

/** Error as it crosses the worker → parent boundary (plain data). */
export interface WireError {
  code: AppError["code"];
  message: string;
  details?: Record<string, unknown>;
}

export function toWire(error: AppError): WireError {
  return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
}

export function fromWire(wire: WireError): AppError {
  return new AppError(wire.code, wire.message, wire.details ? { details: wire.details } : {});
}
