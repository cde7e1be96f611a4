import { HsmGroupForm } from "@/components/hsm-groups/hsm-group-form";
import { PageHeader } from "@/components/ui/page-header";

export default function NewHsmGroupPage() {
  return (
    <>
      <PageHeader path={["Templates", "Security", "HSM Groups"]} title="New HSM group" />
      <HsmGroupForm />
    </>
  );
}
