import { ApiReference } from "@/components/api-reference/api-reference";
import { AviReference } from "@/components/api-reference/avi-reference";
import { PageHeader } from "@/components/ui/page-header";
import { buildOpenApi } from "@/server/rest/openapi";

/**
 * Rendered on the server: the Avi-compatible resources, then the console's own API, both from
 * the same generated document as /api/openapi.json.
 */
export default function Page() {
  const doc = buildOpenApi();
  return (
    <>
      <PageHeader path={["Administration", "API reference"]} title="API reference" />
      <AviReference doc={doc} />
      <ApiReference doc={doc} />
    </>
  );
}
