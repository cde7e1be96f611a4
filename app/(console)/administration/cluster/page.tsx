import { ClusterNodes } from "@/components/cluster/cluster-nodes";
import { PageHeader } from "@/components/ui/page-header";

export default function Page() {
  return (
    <>
      <PageHeader path={["Administration", "Cluster"]} title="Cluster" />
      <ClusterNodes />
    </>
  );
}
