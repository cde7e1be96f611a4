import { handleRestRequest } from "@/server/rest/handler";

export const dynamic = "force-dynamic";

// The REST API. /api/trpc and /api/openapi.json have their own, more specific routes.
export {
  handleRestRequest as DELETE,
  handleRestRequest as GET,
  handleRestRequest as POST,
  handleRestRequest as PUT,
};
