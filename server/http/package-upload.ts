import { hasControlCharacter } from "@/lib/control-chars";
import { AppError, isAppError } from "@/lib/errors";
import { canChange } from "@/lib/roles";
import { type UploadAnswer, ZHsmPackageType } from "@/lib/schemas/hsm-packages";
import { type Db, getDb } from "@/server/db";
import { errorFields, log } from "@/server/observability/logger";
import type { Actor } from "@/server/services/actor";
import { writeAudit } from "@/server/services/audit/write-audit";
import { assertInstallationAdmin } from "@/server/services/hsm-packages/list-packages";
import { MAX_PACKAGE_BYTES } from "@/server/services/hsm-packages/package-types";
import { uploadHsmPackage } from "@/server/services/hsm-packages/upload-package";
import { declaredTooLarge, tooLarge } from "./body-limit";
import { errorResponse } from "./error-response";
import { guardRequest } from "./request-guard";

/**
 * POST /api/fileservice/hsmpackages?hsmtype=safenet|thales|cloudhsm[&filename=safenet.tar]
 * Body: the raw tar (Content-Type application/x-tar or application/octet-stream), not multipart:
 * streamed straight into the tar inspector. Answers JSON; errors in the one envelope
 * (server/http/error-response.ts). The HTTP side only: storing is services/hsm-packages.
 */
export async function handlePackageUpload(req: Request, maxBytes = MAX_PACKAGE_BYTES): Promise<Response> {
  const url = new URL(req.url);
  const fileName = (url.searchParams.get("filename") ?? "").trim() || "hsm-package.tar";
  const db = await getDb();
  let actor: Actor | null = null;
  let address: string | null = null;
  try {
    // The declared size first: a refused body costs no credential lookup.
    if (declaredTooLarge(req.headers, maxBytes)) throw tooLarge(maxBytes, "package");
    const guarded = await guardRequest(req);
    actor = guarded.actor;
    address = guarded.address;
    if (!actor)
      throw new AppError("UNAUTHENTICATED", guarded.authRefusal ?? "Sign in to upload HSM packages.");
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
    if (!req.body)
      throw new AppError("VALIDATION", "The upload is empty. Choose the package file.", { field: "package" });
    const result = await uploadHsmPackage(db, actor, {
      type: type.data,
      fileName,
      stream: req.body as unknown as AsyncIterable<Uint8Array>,
      maxBytes,
    });
    const { report } = result;
    await audit(db, actor, address, fileName, "success", {
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
    await audit(db, actor, address, fileName, outcome, {
      detail: { code: app.code, message: app.message },
    }).catch(() => {});
    // The rest of the body is left unread (cancelling would reset the connection before this
    // answer is written); the console's listener closes the connection after answering.
    return errorResponse(app);
  }
}

function internal(error: unknown): AppError {
  log("hsm-packages").error({ ...errorFields(error, true), msg: "upload failed" });
  return new AppError("INTERNAL", "The package could not be stored. The details are in the server log.");
}

function audit(
  db: Db,
  actor: Actor | null,
  address: string | null,
  fileName: string,
  outcome: "success" | "failure" | "denied",
  extra: { id?: string; detail: Record<string, unknown> },
): Promise<void> {
  return writeAudit(db, {
    tenantId: actor?.tenantId ?? null,
    actorId: actor?.userId ?? null,
    actorName: actor?.username ?? "anonymous",
    address,
    action: "hsmPackages.upload",
    objectType: "hsmPackage",
    objectId: extra.id ?? null,
    objectName: fileName.slice(0, 200),
    outcome,
    detail: extra.detail,
  });
}
