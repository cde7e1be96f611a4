import Link from "next/link";
import { HsmGroupsTable } from "@/components/hsm-groups/hsm-groups-table";
import { PageHeader } from "@/components/ui/page-header";

export default function HsmGroupsPage() {
  return (
    <>
      <PageHeader path={["Templates", "Security", "HSM Groups"]} title="HSM Groups" />
      <div className="actions">
        <Link className="button" href="/templates/security/hsm-groups/new">
          Create HSM group
        </Link>
      </div>
      <HsmGroupsTable />
    </>
  );
}
