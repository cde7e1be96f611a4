/**
 * The ONE table from PKCS#11 return values (CKR_*) to the console's AppError codes, with a sentence
 * an administrator understands and the next step; errors.ts converts with it. Data only: this file
 * does not import pkcs11js (it also runs in the web server process).
 */
import type { AppErrorCode } from "../../lib/errors";

export interface CkrEntry {
  code: AppErrorCode;
  message: string;
}

/** Keyed by the CKR name; `CKR_CODES` below gives the numeric values. */
export const CKR_TABLE: Record<string, CkrEntry> = {
  CKR_PIN_INCORRECT: {
    code: "HSM_PIN_INCORRECT",
    message:
      "The HSM rejected the partition password. Check it and try again: the console tries a password only once, because the HSM locks the partition after a few failures.",
  },
  CKR_PIN_INVALID: {
    code: "HSM_PIN_INCORRECT",
    message:
      "The partition password contains characters or has a length the HSM does not accept. Check it and try again.",
  },
  CKR_PIN_LEN_RANGE: {
    code: "HSM_PIN_INCORRECT",
    message: "The partition password is too short or too long for this HSM. Check it and try again.",
  },
  CKR_PIN_LOCKED: {
    code: "HSM_PIN_LOCKED",
    message:
      "The HSM partition is locked after too many wrong passwords. Ask the HSM security officer to unlock or reset it; the console will not retry.",
  },
  CKR_PIN_EXPIRED: {
    code: "HSM_PIN_EXPIRED",
    message: "The partition password has expired. Change it on the HSM, then update it in the HSM group.",
  },
  CKR_USER_NOT_LOGGED_IN: {
    code: "HSM_NOT_LOGGED_IN",
    message:
      "The console is not logged in to this HSM partition. Enter the partition password (test the connection).",
  },
  CKR_USER_PIN_NOT_INITIALIZED: {
    code: "HSM_NOT_LOGGED_IN",
    message:
      "The partition has no user password yet. Initialise the partition's crypto officer on the HSM first.",
  },
  CKR_USER_TYPE_INVALID: {
    code: "HSM_ERROR",
    message: "The HSM refused the login type. This is a console defect: report it with the HSM model.",
  },
  CKR_USER_ANOTHER_ALREADY_LOGGED_IN: {
    code: "HSM_NOT_LOGGED_IN",
    message:
      "Another user (the security officer) is logged in to this partition. Close that session on the HSM, then retry.",
  },
  CKR_TOKEN_NOT_PRESENT: {
    code: "HSM_TOKEN_NOT_PRESENT",
    message:
      "The HSM partition is not present. Check that the appliance is up and the partition is assigned to this client.",
  },
  CKR_TOKEN_NOT_RECOGNIZED: {
    code: "HSM_TOKEN_NOT_RECOGNIZED",
    message: "The HSM library does not recognise the token. Check the HSM client software version.",
  },
  CKR_DEVICE_REMOVED: {
    code: "HSM_UNAVAILABLE",
    message:
      "The HSM was disconnected during the operation. Check the network to the appliance; the console reconnects by itself.",
  },
  CKR_DEVICE_ERROR: {
    code: "HSM_DEVICE_ERROR",
    message:
      "The HSM or the connection to it failed. The console reconnects by itself; if this persists, check the appliance and the network.",
  },
  CKR_GENERAL_ERROR: {
    code: "HSM_DEVICE_ERROR",
    message:
      "The HSM library reported a general error. Check the appliance logs; the console reconnects by itself.",
  },
  CKR_FUNCTION_FAILED: {
    code: "HSM_ERROR",
    message: "The HSM could not complete the operation. Retry; if it persists, check the appliance logs.",
  },
  CKR_DEVICE_MEMORY: {
    code: "HSM_MEMORY_FULL",
    message: "The HSM partition is full. Delete unused keys or ask for a larger partition.",
  },
  CKR_HOST_MEMORY: {
    code: "HSM_ERROR",
    message: "The HSM client library ran out of memory on this node. Restart the HSM connection.",
  },
  CKR_MECHANISM_INVALID: {
    code: "HSM_MECHANISM_UNSUPPORTED",
    message:
      "This HSM (or the connection to it) does not offer the requested algorithm. Choose another algorithm.",
  },
  CKR_MECHANISM_PARAM_INVALID: {
    code: "HSM_MECHANISM_UNSUPPORTED",
    message: "This HSM does not accept the algorithm's parameters. Choose another algorithm or hash.",
  },
  CKR_KEY_SIZE_RANGE: {
    code: "HSM_KEY_SIZE_UNSUPPORTED",
    message: "This HSM does not support that key size. Choose a size from the list the HSM offers.",
  },
  CKR_DOMAIN_PARAMS_INVALID: {
    code: "HSM_KEY_SIZE_UNSUPPORTED",
    message: "This HSM does not support that elliptic curve. Choose another curve.",
  },
  CKR_CURVE_NOT_SUPPORTED: {
    code: "HSM_KEY_SIZE_UNSUPPORTED",
    message: "This HSM does not support that elliptic curve. Choose another curve.",
  },
  CKR_ATTRIBUTE_SENSITIVE: {
    code: "HSM_KEY_POLICY",
    message:
      "The HSM refused to reveal a protected key attribute, as it should: private keys never leave the HSM.",
  },
  CKR_ATTRIBUTE_READ_ONLY: {
    code: "HSM_KEY_POLICY",
    message: "The HSM refused to change a protected key attribute (key policy).",
  },
  CKR_KEY_UNEXTRACTABLE: {
    code: "HSM_KEY_POLICY",
    message: "The key is marked non-extractable, so the HSM refuses to export or wrap it.",
  },
  CKR_KEY_NOT_WRAPPABLE: {
    code: "HSM_KEY_POLICY",
    message: "The key may only be wrapped under a trusted (cloning-domain) key; the HSM refused.",
  },
  CKR_KEY_FUNCTION_NOT_PERMITTED: {
    code: "HSM_KEY_POLICY",
    message:
      "The key's policy does not allow this operation (for example signing with a key not marked for signing).",
  },
  CKR_KEY_TYPE_INCONSISTENT: {
    code: "HSM_KEY_POLICY",
    message: "The key type does not match the algorithm. Choose an algorithm that fits the key.",
  },
  CKR_ACTION_PROHIBITED: {
    code: "HSM_KEY_POLICY",
    message: "The HSM's policy prohibits this action.",
  },
  CKR_TEMPLATE_INCONSISTENT: {
    code: "HSM_TEMPLATE_INVALID",
    message: "The HSM refused the key attributes the console asked for. Check the partition's policy.",
  },
  CKR_TEMPLATE_INCOMPLETE: {
    code: "HSM_TEMPLATE_INVALID",
    message: "The HSM needs more key attributes than the console sent. Report this with the HSM model.",
  },
  CKR_ATTRIBUTE_TYPE_INVALID: {
    code: "HSM_TEMPLATE_INVALID",
    message:
      "The HSM does not know one of the key attributes the console sent. Report this with the HSM model.",
  },
  CKR_ATTRIBUTE_VALUE_INVALID: {
    code: "HSM_TEMPLATE_INVALID",
    message:
      "The HSM refused one of the key attributes' values (for example an unsupported key size or curve).",
  },
  CKR_WRAPPED_KEY_INVALID: {
    code: "HSM_TEMPLATE_INVALID",
    message:
      "The HSM could not unwrap the key material: the blob is damaged or was wrapped under another key.",
  },
  CKR_UNWRAPPING_KEY_HANDLE_INVALID: {
    code: "HSM_OBJECT_NOT_FOUND",
    message: "The cloning-domain key is missing on this HSM. Ask the security officer to install it.",
  },
  CKR_WRAPPING_KEY_HANDLE_INVALID: {
    code: "HSM_OBJECT_NOT_FOUND",
    message: "The cloning-domain key is missing on this HSM. Ask the security officer to install it.",
  },
  CKR_OBJECT_HANDLE_INVALID: {
    code: "HSM_OBJECT_NOT_FOUND",
    message:
      "The key no longer exists on the HSM. Refresh the list; it may have been deleted on the appliance.",
  },
  CKR_KEY_HANDLE_INVALID: {
    code: "HSM_OBJECT_NOT_FOUND",
    message:
      "The key no longer exists on the HSM. Refresh the list; it may have been deleted on the appliance.",
  },
  CKR_SIGNATURE_INVALID: {
    code: "HSM_SIGNATURE_INVALID",
    message: "The signature does not match the data and the key.",
  },
  CKR_SIGNATURE_LEN_RANGE: {
    code: "HSM_SIGNATURE_INVALID",
    message: "The signature has the wrong length for this key.",
  },
  CKR_DATA_LEN_RANGE: {
    code: "HSM_ERROR",
    message: "The data is too long for this key and algorithm.",
  },
  CKR_SESSION_HANDLE_INVALID: {
    code: "HSM_UNAVAILABLE",
    message:
      "The HSM session was lost (the appliance or its client restarted). Retry: the console reopens sessions.",
  },
  CKR_SESSION_CLOSED: {
    code: "HSM_UNAVAILABLE",
    message: "The HSM session was closed. Retry: the console reopens sessions.",
  },
  CKR_SESSION_COUNT: {
    code: "HSM_UNAVAILABLE",
    message:
      "The HSM has no free sessions for this client. Retry later or raise the partition's session limit.",
  },
  CKR_SLOT_ID_INVALID: {
    code: "HSM_TOKEN_NOT_PRESENT",
    message: "The HSM slot disappeared. Check that the partition is still assigned to this client.",
  },
  CKR_OPERATION_ACTIVE: {
    code: "HSM_ERROR",
    message: "The HSM session was busy with another operation. Retry; report this if it happens again.",
  },
  CKR_CANT_LOCK: {
    code: "HSM_ERROR",
    message:
      "The HSM library cannot run with the locking the console requires. Check the HSM client software version.",
  },
  CKR_CRYPTOKI_NOT_INITIALIZED: {
    code: "HSM_UNAVAILABLE",
    message: "The HSM library is not initialised. Retry: the console re-initialises it.",
  },
  CKR_TOKEN_WRITE_PROTECTED: {
    code: "HSM_KEY_POLICY",
    message: "The HSM partition is read-only. Ask the HSM administrator to allow key creation.",
  },
  CKR_ARGUMENTS_BAD: {
    code: "HSM_ERROR",
    message: "The HSM library rejected the call's arguments. This is a console defect: report it.",
  },
  CKR_FUNCTION_NOT_SUPPORTED: {
    code: "HSM_MECHANISM_UNSUPPORTED",
    message: "The HSM library does not support this function.",
  },
};

/** Numeric values of the CKR codes named above (PKCS#11 v2.40), to name a bare numeric code. */
export const CKR_NAMES_BY_VALUE = new Map<number, string>([
  [0x05, "CKR_GENERAL_ERROR"],
  [0x06, "CKR_FUNCTION_FAILED"],
  [0x07, "CKR_ARGUMENTS_BAD"],
  [0x02, "CKR_HOST_MEMORY"],
  [0x03, "CKR_SLOT_ID_INVALID"],
  [0x0a, "CKR_CANT_LOCK"],
  [0x10, "CKR_ATTRIBUTE_READ_ONLY"],
  [0x11, "CKR_ATTRIBUTE_SENSITIVE"],
  [0x12, "CKR_ATTRIBUTE_TYPE_INVALID"],
  [0x13, "CKR_ATTRIBUTE_VALUE_INVALID"],
  [0x1b, "CKR_ACTION_PROHIBITED"],
  [0x21, "CKR_DATA_LEN_RANGE"],
  [0x30, "CKR_DEVICE_ERROR"],
  [0x31, "CKR_DEVICE_MEMORY"],
  [0x32, "CKR_DEVICE_REMOVED"],
  [0x54, "CKR_FUNCTION_NOT_SUPPORTED"],
  [0x60, "CKR_KEY_HANDLE_INVALID"],
  [0x62, "CKR_KEY_SIZE_RANGE"],
  [0x63, "CKR_KEY_TYPE_INCONSISTENT"],
  [0x68, "CKR_KEY_FUNCTION_NOT_PERMITTED"],
  [0x69, "CKR_KEY_NOT_WRAPPABLE"],
  [0x6a, "CKR_KEY_UNEXTRACTABLE"],
  [0x70, "CKR_MECHANISM_INVALID"],
  [0x71, "CKR_MECHANISM_PARAM_INVALID"],
  [0x82, "CKR_OBJECT_HANDLE_INVALID"],
  [0x90, "CKR_OPERATION_ACTIVE"],
  [0xa0, "CKR_PIN_INCORRECT"],
  [0xa1, "CKR_PIN_INVALID"],
  [0xa2, "CKR_PIN_LEN_RANGE"],
  [0xa3, "CKR_PIN_EXPIRED"],
  [0xa4, "CKR_PIN_LOCKED"],
  [0xb0, "CKR_SESSION_CLOSED"],
  [0xb1, "CKR_SESSION_COUNT"],
  [0xb3, "CKR_SESSION_HANDLE_INVALID"],
  [0xc0, "CKR_SIGNATURE_INVALID"],
  [0xc1, "CKR_SIGNATURE_LEN_RANGE"],
  [0xd0, "CKR_TEMPLATE_INCOMPLETE"],
  [0xd1, "CKR_TEMPLATE_INCONSISTENT"],
  [0xe0, "CKR_TOKEN_NOT_PRESENT"],
  [0xe1, "CKR_TOKEN_NOT_RECOGNIZED"],
  [0xe2, "CKR_TOKEN_WRITE_PROTECTED"],
  [0xf0, "CKR_UNWRAPPING_KEY_HANDLE_INVALID"],
  [0x100, "CKR_USER_ALREADY_LOGGED_IN"],
  [0x101, "CKR_USER_NOT_LOGGED_IN"],
  [0x102, "CKR_USER_PIN_NOT_INITIALIZED"],
  [0x103, "CKR_USER_TYPE_INVALID"],
  [0x104, "CKR_USER_ANOTHER_ALREADY_LOGGED_IN"],
  [0x110, "CKR_WRAPPED_KEY_INVALID"],
  [0x113, "CKR_WRAPPING_KEY_HANDLE_INVALID"],
  [0x130, "CKR_DOMAIN_PARAMS_INVALID"],
  [0x140, "CKR_CURVE_NOT_SUPPORTED"],
  [0x190, "CKR_CRYPTOKI_NOT_INITIALIZED"],
]);

