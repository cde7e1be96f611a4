import { ConnectionPage } from "@/components/hsm-group-actions/connection-page";
import { PageHeader } from "@/components/ui/page-header";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <PageHeader path={["Templates", "Security", "HSM Groups", "Connection"]} title="HSM group connection" />
      <ConnectionPage id={id} />
    </>
  );
}
