import { ApiReference } from "@/components/api-reference/api-reference";
import { PageHeader } from "@/components/ui/page-header";
import { buildOpenApi } from "@/server/rest/openapi";

/** Rendered on the server from the same generated document as /api/openapi.json. */
export default function Page() {
  return (
    <>
      <PageHeader path={["Administration", "API reference"]} title="API reference" />
      <ApiReference doc={buildOpenApi()} />
    </>
  );
}
