import { AppError } from "@/lib/errors";
import { ZId } from "@/lib/schemas/common";
import { findClient } from "@/server/services/hsm-groups/clients-page";
import { errorResponse } from "./error-response";
import { guardRequest } from "./request-guard";

/**
 * GET /api/hsm-groups/:id/clients/:clientId/pem: `<client>.pem`, the client certificate only (the
 * key never leaves the console), for `scp <client>.pem admin@<hsm>:`. Session and tenant checked
 * like any procedure.
 */
export async function handleClientPem(req: Request, id: string, clientId: string): Promise<Response> {
  try {
    const { db, user } = await guardRequest(req);
    if (!user) throw new AppError("UNAUTHENTICATED", "Sign in to continue.");
    const notFound = new AppError("NOT_FOUND", "No such client certificate.");
    if (!ZId.safeParse(id).success || !ZId.safeParse(clientId).success) throw notFound;
    const client = await findClient(db, user, id, clientId);
    if (!client) throw notFound;
    return new Response(client.certPem, {
      headers: {
        "content-type": "application/x-pem-file",
        "content-disposition": `attachment; filename="${client.name.replace(/[^A-Za-z0-9._-]/g, "_")}.pem"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    return errorResponse(error);
  }
}
