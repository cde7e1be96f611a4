import { SeGroupsPage } from "@/components/service-engines/se-groups-page";
import { PageHeader } from "@/components/ui/page-header";

export default function ServiceEngineGroupsPage() {
  return (
    <>
      <PageHeader
        path={["Infrastructure", "Cloud", "Default-Cloud", "Service Engine Groups"]}
        title="Service Engine Groups"
      />
      <SeGroupsPage />
    </>
  );
}
