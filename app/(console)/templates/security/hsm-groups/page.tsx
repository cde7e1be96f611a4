import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export default function HsmGroupsPage() {
  return (
    <>
      <PageHeader path={["Templates", "Security", "HSM Groups"]} title="HSM Groups" />
      <EmptyState title="No HSM groups yet">
        <p>
          HSM groups of network HSM appliances or PKCS#11 modules will be listed here, with their servers, HA
          state and client registration.
        </p>
      </EmptyState>
    </>
  );
}
