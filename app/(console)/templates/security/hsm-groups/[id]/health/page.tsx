import { HsmHealthPage } from "@/components/hsm-health/hsm-health-page";
import { PageHeader } from "@/components/ui/page-header";

export default async function Page({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <PageHeader path={["Templates", "Security", "HSM Groups", "Health"]} title="HSM group health" />
      <HsmHealthPage id={id} />
    </>
  );
}
