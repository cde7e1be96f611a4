import { AuditLog } from "@/components/audit/audit-log";
import { PageHeader } from "@/components/ui/page-header";

export default function Page() {
  return (
    <>
      <PageHeader path={["Administration", "Audit log"]} title="Audit log" />
      <AuditLog />
    </>
  );
}
