import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";
import { AppError, type AppErrorCode } from "@/lib/errors";

/**
 * The tRPC (JSON-RPC) code of each HTTP status of ERROR_STATUS in lib/errors.ts, the nearest where
 * tRPC has none (423, 507). The HTTP status itself is ERROR_STATUS's in tRPC as in REST: the error
 * formatter (t.ts) puts it in the error's data and trpcResponseMeta answers with it.
 */
const TRPC_CODE_BY_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "UNPROCESSABLE_CONTENT",
  423: "CONFLICT",
  429: "TOO_MANY_REQUESTS",
  500: "INTERNAL_SERVER_ERROR",
  502: "BAD_GATEWAY",
  503: "SERVICE_UNAVAILABLE",
  504: "GATEWAY_TIMEOUT",
  507: "INTERNAL_SERVER_ERROR",
};

const APP_CODE_BY_TRPC: Partial<Record<TRPC_ERROR_CODE_KEY, AppErrorCode>> = {
  BAD_REQUEST: "VALIDATION",
  PARSE_ERROR: "VALIDATION",
  UNAUTHORIZED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  CONFLICT: "CONFLICT",
  TOO_MANY_REQUESTS: "THROTTLED",
  PAYLOAD_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
};

export function toTrpcError(error: AppError): TRPCError {
  return new TRPCError({
    code: TRPC_CODE_BY_STATUS[error.status] ?? "INTERNAL_SERVER_ERROR",
    message: error.message,
    cause: error,
  });
}

/**
 * HTTP status of a tRPC response, from the statuses the error formatter gave each call: one status
 * when every call agrees (as REST answers that code), 207 for a mixed batch, as tRPC itself does.
 */
export function trpcResponseMeta({ data }: { data: readonly unknown[] }): { status?: number } {
  const statuses = new Set(
    data.map(
      (item) => (item as { error?: { data?: { httpStatus?: number } } }).error?.data?.httpStatus ?? 200,
    ),
  );
  if (statuses.size === 0) return {};
  return { status: statuses.size === 1 ? [...statuses][0] : 207 };
}

/** Any error, as the AppError the client will see. Unknown errors become a generic INTERNAL. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return fromZod(error);
  if (error instanceof TRPCError) {
    if (error.cause instanceof AppError) return error.cause;
    if (error.cause instanceof ZodError) return fromZod(error.cause);
    const code = APP_CODE_BY_TRPC[error.code];
    if (code) return new AppError(code, error.message);
  }
  return new AppError("INTERNAL", "Something went wrong on the server. The details are in the server log.");
}

function fromZod(error: ZodError): AppError {
  const issue = error.issues[0];
  const field = issue?.path.map(String).join(".") || undefined;
  const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : "Invalid input.";
  return new AppError("VALIDATION", message, {
    ...(field ? { field } : {}),
    details: {
      issues: error.issues.map((i) => ({ field: i.path.map(String).join("."), message: i.message })),
    },
  });
}
