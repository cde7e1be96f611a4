import { AppError } from "@/lib/errors";
import { ZId } from "@/lib/schemas/common";
import { sessionFromRequest } from "@/server/http/session-from-request";
import { findClient } from "@/server/services/hsm-groups/clients-page";

/**
 * Downloads `<client>.pem`: the client certificate only (the key never leaves the console), for
 * `scp <client>.pem admin@<hsm>:`. Session and tenant checked like any procedure.
 */
export async function GET(req: Request, ctx: { params: Promise<{ id: string; clientId: string }> }) {
  const { id, clientId } = await ctx.params;
  const { db, user } = await sessionFromRequest(req);
  if (!user)
    return Response.json({ code: "UNAUTHENTICATED", message: "Sign in to continue." }, { status: 401 });
  if (!ZId.safeParse(id).success || !ZId.safeParse(clientId).success)
    return Response.json({ code: "NOT_FOUND", message: "No such client certificate." }, { status: 404 });
  try {
    const client = await findClient(db, user, id, clientId);
    if (!client)
      return Response.json({ code: "NOT_FOUND", message: "No such client certificate." }, { status: 404 });
    return new Response(client.certPem, {
      headers: {
        "content-type": "application/x-pem-file",
        "content-disposition": `attachment; filename="${client.name.replace(/[^A-Za-z0-9._-]/g, "_")}.pem"`,
        "cache-control": "no-store",
      },
    });
  } catch (error) {
    if (error instanceof AppError) return Response.json(error.toJSON(), { status: error.status });
    throw error;
  }
}
