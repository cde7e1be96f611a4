import type { IncomingMessage } from "node:http";
import { AppError } from "@/lib/errors";
import { env } from "@/server/config/env";
import { MAX_PACKAGE_BYTES } from "@/server/services/hsm-packages/package-types";

/** The one route that takes a large body (a raw tar), streamed into the inspector. */
export const UPLOAD_PATH = "/api/fileservice/hsmpackages";

/** The largest body a path accepts: uploads their package cap, everything else the JSON cap. */
export function bodyCap(pathname: string): number {
  return pathname === UPLOAD_PATH ? MAX_PACKAGE_BYTES : env().HSM_CONSOLE_JSON_BODY_LIMIT_BYTES;
}

export function tooLarge(cap: number, field?: string): AppError {
  return new AppError(
    "PAYLOAD_TOO_LARGE",
    `The request body is larger than ${sizeText(cap)}; it was not read. Send less at once.`,
    field ? { field } : {},
  );
}

/** A declared Content-Length above the cap is refused from the header alone. */
export function declaredTooLarge(headers: Headers, cap: number): boolean {
  const declared = Number(headers.get("content-length") ?? "NaN");
  return Number.isFinite(declared) && declared > cap;
}

/**
 * Reads a body, counting as it streams and stopping at the cap (also for chunked bodies with no
 * Content-Length). The stream is left unread rather than cancelled: cancelling destroys the
 * socket before the refusal is written; the server closes the connection after answering instead.
 */
export async function readCapped(req: Request, cap: number): Promise<Uint8Array> {
  if (declaredTooLarge(req.headers, cap)) throw tooLarge(cap);
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > cap) throw tooLarge(cap);
      parts.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(parts, size);
}

/** A response started before the request body was fully read must close the connection. */
export function prefersConnectionClose(req: IncomingMessage): boolean {
  return !req.complete;
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
