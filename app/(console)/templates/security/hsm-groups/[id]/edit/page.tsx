import { HsmGroupEdit } from "@/components/hsm-groups/hsm-group-edit";

export default async function EditHsmGroupPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <HsmGroupEdit id={id} />;
}
