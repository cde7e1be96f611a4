import { getDb } from "@/server/db";
import { handlePackageUpload } from "@/server/services/hsm-packages/upload-request";

export const dynamic = "force-dynamic";

/** Avi's POST /api/fileservice/hsmpackages?hsmtype=safenet: the raw tar as the body (see handlePackageUpload). */
export async function POST(req: Request): Promise<Response> {
  return handlePackageUpload(await getDb(), req);
}
