import { HsmClientsPage } from "@/components/hsm-groups/hsm-clients-page";
import { HsmGroupTitle } from "@/components/hsm-groups/hsm-group-title";

export default async function HsmGroupClientsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <HsmGroupTitle id={id} suffix="Client certificates" />
      <HsmClientsPage id={id} />
    </>
  );
}
