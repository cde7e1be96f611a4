/**
 * The one error type of the console. `code` is stable (scripts and tests match on it);
 * `message` is a sentence an administrator understands, with the next step where there is one.
 * `field` names the input field at fault so forms can show the error beside it.
 */
export const ERROR_STATUS = {
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  THROTTLED: 429,
  INTERNAL: 500,
  // HSM failures, mapped from CKR_* codes in server/pkcs11 (one table there).
  HSM_PIN_INCORRECT: 400,
  HSM_PIN_LOCKED: 423,
  HSM_PIN_EXPIRED: 400,
  HSM_NOT_LOGGED_IN: 409,
  /** The token was logged in by another connection: this password was never checked. */
  HSM_LOGIN_UNPROVEN: 409,
  HSM_TOKEN_NOT_PRESENT: 503,
  HSM_TOKEN_NOT_RECOGNIZED: 503,
  HSM_DEVICE_ERROR: 502,
  HSM_UNAVAILABLE: 503,
  HSM_TIMEOUT: 504,
  HSM_MECHANISM_UNSUPPORTED: 400,
  HSM_KEY_SIZE_UNSUPPORTED: 400,
  HSM_MEMORY_FULL: 507,
  HSM_KEY_POLICY: 409,
  HSM_OBJECT_NOT_FOUND: 404,
  HSM_TEMPLATE_INVALID: 400,
  HSM_SIGNATURE_INVALID: 400,
  HSM_ERROR: 502,
  // Service engines (server/dataplane).
  SE_CHECK_FAILED: 422,
  SE_START_FAILED: 502,
  SE_RELOAD_FAILED: 502,
  // Console nodes (server/cluster): the node that must do the work is down or did not answer.
  CLUSTER_NODE_DOWN: 503,
} as const;

export type AppErrorCode = keyof typeof ERROR_STATUS;

export interface AppErrorOptions {
  field?: string;
  /** Plain, non-secret facts for the UI (e.g. PIN flags); never key material or passwords. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: AppErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  /** The shape sent to clients: no stack, no cause. */
  toJSON(): { code: AppErrorCode; message: string; field?: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.field ? { field: this.field } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
