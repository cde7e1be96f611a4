import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { AppError, ERROR_STATUS } from "@/lib/errors";
import { ApplianceError } from "./errors";

const MAX_BODY = 1024 * 1024;

export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApplianceError("VALIDATION", "Request body too large.");
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new ApplianceError("VALIDATION", "Request body must be a JSON object.");
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, error: unknown): void {
  // Appliance refusals and those of the in-HSM operations (clone.ts, cloning-domain.ts, softhsm.ts) alike.
  if (error instanceof AppError) {
    sendJson(res, ERROR_STATUS[error.code], { code: error.code, message: error.message });
  } else {
    sendJson(res, 500, { code: "INTERNAL", message: "Internal appliance error." });
  }
}

/** Basic auth against the appliance's admin credentials, compared in constant time. */
export function checkBasicAuth(req: IncomingMessage, username: string, password: string): boolean {
  const header = req.headers.authorization ?? "";
  if (!header.startsWith("Basic ")) return false;
  const given = Buffer.from(Buffer.from(header.slice(6), "base64").toString("utf8"));
  const expected = Buffer.from(`${username}:${password}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function str(body: Record<string, unknown>, key: string, required = true): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === "") {
    if (required) throw new ApplianceError("VALIDATION", `Missing field "${key}".`);
    return undefined;
  }
  if (typeof v !== "string") throw new ApplianceError("VALIDATION", `Field "${key}" must be a string.`);
  return v;
}
