import { handlePackageUpload } from "@/server/http/package-upload";

export const dynamic = "force-dynamic";

/** Avi's POST /api/fileservice/hsmpackages?hsmtype=safenet: the raw tar as the body (see handlePackageUpload). */
export const POST = (req: Request): Promise<Response> => handlePackageUpload(req);
