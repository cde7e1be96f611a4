import { HsmGroupDetail } from "@/components/hsm-groups/hsm-group-detail";
import { HsmGroupTitle } from "@/components/hsm-groups/hsm-group-title";

export default async function HsmGroupPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return (
    <>
      <HsmGroupTitle id={id} />
      <HsmGroupDetail id={id} />
    </>
  );
}
