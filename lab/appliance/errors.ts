import { AppError, type AppErrorCode } from "@/lib/errors";

/**
 * An appliance refusal, in the appliance's words. The shell prints it Luna-style with a
 * non-zero Command Result; the REST API maps `code` to an HTTP status with the same message.
 * An AppError, like the refusals of the in-HSM operations (clone.ts, cloning-domain.ts).
 */
export class ApplianceError extends AppError {
  constructor(
    override readonly code: Extract<
      AppErrorCode,
      | "VALIDATION"
      | "NOT_FOUND"
      | "CONFLICT"
      | "FORBIDDEN"
      | "UNAUTHENTICATED"
      | "HSM_PIN_INCORRECT"
      | "HSM_KEY_POLICY"
      | "HSM_OBJECT_NOT_FOUND"
      | "HSM_ERROR"
    >,
    message: string,
  ) {
    super(code, message);
    this.name = "ApplianceError";
  }
}
