import { handleClientPem } from "@/server/http/client-pem";

/** Downloads `<client>.pem` (see handleClientPem). */
export async function GET(req: Request, ctx: { params: Promise<{ id: string; clientId: string }> }) {
  const { id, clientId } = await ctx.params;
  return handleClientPem(req, id, clientId);
}
