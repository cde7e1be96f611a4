import { PageHeader } from "@/components/ui/page-header";
import { VirtualServicesPage } from "@/components/virtual-services/virtual-services-page";

export default function Page() {
  return (
    <>
      <PageHeader path={["Applications", "Virtual Services"]} title="Virtual Services" />
      <VirtualServicesPage />
    </>
  );
}
