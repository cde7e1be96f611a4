/** Slots, tokens, mechanisms and health as plain data (the content of `vtl listSlots`). */
import * as pk from "pkcs11js";
import { toAppError } from "../errors";
import { trimPadded } from "../formats";
import type { MechanismSummary, SlotSummary, TokenHealth, TokenRef, TokenSummary } from "../types";
import type { ModuleHost } from "./module";

// Slot flags (PKCS#11 CK_SLOT_INFO; not typed by pkcs11js).
const CKF_TOKEN_PRESENT = 1;
const CKF_REMOVABLE_DEVICE = 2;
const CKF_HW_SLOT = 4;

const MECHANISM_NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(pk)) {
  if (name.startsWith("CKM_") && typeof value === "number" && !MECHANISM_NAMES.has(value))
    MECHANISM_NAMES.set(value, name);
}
// Current names over deprecated aliases with the same value.
MECHANISM_NAMES.set(pk.CKM_EC_KEY_PAIR_GEN, "CKM_EC_KEY_PAIR_GEN");

/** PKCS#11 reports "unavailable" memory/session counts as CK_UNAVAILABLE_INFORMATION (~0). */
function known(n: number): number | undefined {
  return n >= 0 && n < 0xffffffff && n !== Number.MAX_SAFE_INTEGER && n < 2 ** 52 ? n : undefined;
}

function version(v: pk.Version): string {
  return `${v.major}.${v.minor}`;
}

export function tokenSummary(info: pk.TokenInfo): TokenSummary {
  const f = info.flags;
  const has = (flag: number) => (f & flag) !== 0;
  return {
    label: trimPadded(info.label),
    serial: trimPadded(info.serialNumber),
    manufacturer: trimPadded(info.manufacturerID),
    model: trimPadded(info.model),
    firmware: version(info.firmwareVersion),
    hardware: version(info.hardwareVersion),
    flags: {
      initialized: has(pk.CKF_TOKEN_INITIALIZED),
      loginRequired: has(pk.CKF_LOGIN_REQUIRED),
      userPinInitialized: has(pk.CKF_USER_PIN_INITIALIZED),
      writeProtected: has(pk.CKF_WRITE_PROTECTED),
      rng: has(pk.CKF_RNG),
      userPinCountLow: has(pk.CKF_USER_PIN_COUNT_LOW),
      userPinFinalTry: has(pk.CKF_USER_PIN_FINAL_TRY),
      userPinLocked: has(pk.CKF_USER_PIN_LOCKED),
      userPinToBeChanged: has(pk.CKF_USER_PIN_TO_BE_CHANGED),
      soPinLocked: has(pk.CKF_SO_PIN_LOCKED),
    },
    memory: {
      totalPublic: known(info.totalPublicMemory),
      freePublic: known(info.freePublicMemory),
      totalPrivate: known(info.totalPrivateMemory),
      freePrivate: known(info.freePrivateMemory),
    },
    sessions: { open: known(info.sessionCount), max: known(info.maxSessionCount) },
    pinLength: { min: info.minPinLen, max: info.maxPinLen },
  };
}

export function listSlots(host: ModuleHost): Promise<SlotSummary[]> {
  return host.call(() => {
    const p = host.pkcs11;
    return p.C_GetSlotList(false).map((slot, index) => {
      const info = p.C_GetSlotInfo(slot);
      const present = (info.flags & CKF_TOKEN_PRESENT) !== 0;
      const summary: SlotSummary = {
        slot: index,
        description: trimPadded(info.slotDescription),
        manufacturer: trimPadded(info.manufacturerID),
        present,
        hardwareSlot: (info.flags & CKF_HW_SLOT) !== 0,
        removable: (info.flags & CKF_REMOVABLE_DEVICE) !== 0,
      };
      if (present) summary.token = tokenSummary(p.C_GetTokenInfo(slot));
      return summary;
    });
  });
}

export function listMechanisms(host: ModuleHost, ref: TokenRef): Promise<MechanismSummary[]> {
  return host.call(() => {
    const t = host.token(ref);
    const p = host.pkcs11;
    return p.C_GetMechanismList(t.slot).map((m) => {
      const info = p.C_GetMechanismInfo(t.slot, m);
      const has = (flag: number) => (info.flags & flag) !== 0;
      return {
        name: MECHANISM_NAMES.get(m) ?? `CKM_0x${m.toString(16)}`,
        value: m,
        minKeySize: info.minKeySize,
        maxKeySize: info.maxKeySize,
        flags: {
          generateKeyPair: has(pk.CKF_GENERATE_KEY_PAIR),
          generate: has(pk.CKF_GENERATE),
          sign: has(pk.CKF_SIGN),
          verify: has(pk.CKF_VERIFY),
          encrypt: has(pk.CKF_ENCRYPT),
          decrypt: has(pk.CKF_DECRYPT),
          wrap: has(pk.CKF_WRAP),
          unwrap: has(pk.CKF_UNWRAP),
          digest: has(pk.CKF_DIGEST),
          derive: has(pk.CKF_DERIVE),
          hardware: has(pk.CKF_HW),
        },
      };
    });
  });
}

/** Health of one token: a cheap call's latency, login state, the error if any (never throws). */
export async function tokenHealth(host: ModuleHost, ref: TokenRef): Promise<TokenHealth> {
  const started = performance.now();
  try {
    return await host.call(async () => {
      const t = host.token(ref);
      host.pkcs11.C_GetTokenInfo(t.slot);
      const latencyMs = performance.now() - started;
      // Touch a session so a dead connection shows here rather than on the next user operation.
      await t.withSession(host.pins.has(ref.label), (s) => host.pkcs11.C_GetSessionInfo(s));
      return { token: ref, reachable: true, loggedIn: t.isLoggedIn(), latencyMs };
    });
  } catch (error) {
    return {
      token: ref,
      reachable: false,
      loggedIn: false,
      latencyMs: performance.now() - started,
      lastError: toAppError(error).message,
    };
  }
}
