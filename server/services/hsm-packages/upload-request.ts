import { hasControlCharacter } from "@/lib/control-chars";
import { AppError, isAppError } from "@/lib/errors";
import { canChange } from "@/lib/roles";
import { type UploadAnswer, ZHsmPackageType } from "@/lib/schemas/hsm-packages";
import type { Db } from "@/server/db";
import { checkSameOrigin } from "@/server/http/request-guard";
import { actorFromRequest } from "@/server/http/session-from-request";
import type { Actor } from "@/server/services/actor";
import { writeAudit } from "@/server/services/audit/write-audit";
import { assertInstallationAdmin } from "./list-packages";
import { MAX_PACKAGE_BYTES } from "./package-types";
import { uploadHsmPackage } from "./upload-package";

/**
 * POST /api/fileservice/hsmpackages?hsmtype=safenet|thales|cloudhsm[&filename=safenet.tar]
 * Body: the raw tar (Content-Type application/x-tar or application/octet-stream), not multipart:
 * streamed straight into the tar inspector. Answers JSON; errors as {error: {code, message, field, details}}.
 */
export async function handlePackageUpload(
  db: Db,
  req: Request,
  maxBytes = MAX_PACKAGE_BYTES,
): Promise<Response> {
  const url = new URL(req.url);
  const fileName = (url.searchParams.get("filename") ?? "").trim() || "hsm-package.tar";
  let actor: Actor | null = null;
  try {
    const refusal = checkSameOrigin(req);
    if (refusal) throw new AppError(refusal.code, refusal.message);
    actor = await actorFromRequest(db, req);
    if (!actor) throw new AppError("UNAUTHENTICATED", "Sign in to upload HSM packages.");
    if (!canChange(actor.role, "security"))
      throw new AppError(
        "FORBIDDEN",
        `Your role (${actor.role}) cannot upload HSM packages. Ask an administrator.`,
      );
    assertInstallationAdmin(actor);
    if (hasControlCharacter(fileName) || fileName.length > 255)
      throw new AppError(
        "VALIDATION",
        "The file name has control characters or is too long; rename the file.",
        {
          field: "filename",
        },
      );
    const type = ZHsmPackageType.safeParse(url.searchParams.get("hsmtype"));
    if (!type.success) {
      throw new AppError("VALIDATION", "Unknown hsmtype: use safenet, thales or cloudhsm.", {
        field: "hsmtype",
      });
    }
    const declared = Number(req.headers.get("content-length") ?? "NaN");
    if (Number.isFinite(declared) && declared > maxBytes) {
      throw new AppError(
        "PAYLOAD_TOO_LARGE",
        `The package is larger than ${mib(maxBytes)}; it was not read.`,
        {
          field: "package",
        },
      );
    }
    if (!req.body)
      throw new AppError("VALIDATION", "The upload is empty. Choose the package file.", { field: "package" });
    const result = await uploadHsmPackage(db, actor, {
      type: type.data,
      fileName,
      stream: req.body as unknown as AsyncIterable<Uint8Array>,
      maxBytes,
    });
    const { report } = result;
    await audit(db, actor, req, fileName, "success", {
      id: result.id,
      detail: { type: type.data, version: report.version, size: report.size, sha256: report.sha256 },
    });
    const answer: UploadAnswer = {
      message: "HSM Package uploaded successfully",
      id: result.id,
      type: type.data,
      version: report.version,
      size: report.size,
      sha256: report.sha256,
      members: report.members.map((m) => ({
        name: m.name,
        size: m.size,
        ...(m.component ? { component: m.component } : {}),
      })),
      extra: report.extra,
      notes: report.notes,
      restartRequired: result.restartRequired,
    };
    return Response.json(answer, { status: 201 });
  } catch (error) {
    const app = isAppError(error) ? error : internal(error);
    const outcome = ["UNAUTHENTICATED", "FORBIDDEN"].includes(app.code) ? "denied" : "failure";
    await audit(db, actor, req, fileName, outcome, {
      detail: { code: app.code, message: app.message },
    }).catch(() => {});
    // The body may still be arriving: cancel it so the rest is never read.
    await req.body?.cancel().catch(() => {});
    return Response.json({ error: app.toJSON() }, { status: app.status });
  }
}

function internal(error: unknown): AppError {
  console.error("[hsm-packages] upload failed:", error);
  return new AppError("INTERNAL", "The package could not be stored. The details are in the server log.");
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MiB`;
}

function audit(
  db: Db,
  actor: Actor | null,
  req: Request,
  fileName: string,
  outcome: "success" | "failure" | "denied",
  extra: { id?: string; detail: Record<string, unknown> },
): Promise<void> {
  return writeAudit(db, {
    tenantId: actor?.tenantId ?? null,
    actorId: actor?.userId ?? null,
    actorName: actor?.username ?? "anonymous",
    address: actor?.address ?? req.headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() ?? null,
    action: "hsmPackages.upload",
    objectType: "hsmPackage",
    objectId: extra.id ?? null,
    objectName: fileName.slice(0, 200),
    outcome,
    detail: extra.detail,
  });
}
