import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export default function VirtualServicesPage() {
  return (
    <>
      <PageHeader path={["Applications", "Virtual Services"]} title="Virtual Services" />
      <EmptyState title="No virtual services yet">
        <p>
          Virtual services that terminate TLS with HSM-held keys will be listed here. They need an SSL/TLS
          certificate and a service engine group.
        </p>
      </EmptyState>
    </>
  );
}
