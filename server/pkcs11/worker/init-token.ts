/**
 * Initialises a free SoftHSM slot as a token with C_InitToken and C_InitPIN: the PINs travel over
 * the worker's IPC channel, never on a command line (softhsm2-util --pin shows them in ps).
 */
import * as pk from "pkcs11js";
import { AppError } from "../../../lib/errors";
import type { ModuleHost } from "./module";

export function initToken(
  host: ModuleHost,
  input: { label: string; soPin: string; userPin: string },
): Promise<{ serial: string }> {
  return host.call(() => {
    const p = host.pkcs11;
    const free = p
      .C_GetSlotList(true)
      .find((slot) => (p.C_GetTokenInfo(slot).flags & pk.CKF_TOKEN_INITIALIZED) === 0);
    if (!free) throw new AppError("HSM_ERROR", "No free slot to initialise a token in.");
    // Blank-padded to 32 bytes as PKCS#11 labels are (pkcs11js would pad with NUL bytes).
    p.C_InitToken(free, input.soPin, input.label.padEnd(32, " "));
    const session = p.C_OpenSession(free, pk.CKF_SERIAL_SESSION | pk.CKF_RW_SESSION);
    try {
      p.C_Login(session, pk.CKU_SO, input.soPin);
      try {
        p.C_InitPIN(session, input.userPin);
      } finally {
        p.C_Logout(session);
      }
    } finally {
      p.C_CloseSession(session);
    }
    return { serial: p.C_GetTokenInfo(free).serialNumber.trimEnd() };
  });
}
