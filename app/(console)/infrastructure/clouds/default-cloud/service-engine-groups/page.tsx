import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export default function ServiceEngineGroupsPage() {
  return (
    <>
      <PageHeader
        path={["Infrastructure", "Cloud", "Default-Cloud", "Service Engine Groups"]}
        title="Service Engine Groups"
      />
      <EmptyState title="No service engine groups yet">
        <p>
          Service engine groups, the HSM group each one references and the state of their service engines will
          be listed here.
        </p>
      </EmptyState>
    </>
  );
}
