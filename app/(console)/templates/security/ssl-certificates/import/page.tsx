import { ImportChoice } from "@/components/certificates/import-choice";
import { PageHeader } from "@/components/ui/page-header";

export default function Page() {
  return (
    <>
      <PageHeader
        path={["Templates", "Security", "SSL/TLS Certificates", "Import"]}
        title="Import certificate"
      />
      <ImportChoice />
    </>
  );
}
