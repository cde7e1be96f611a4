import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export default function HsmPackagesPage() {
  return (
    <>
      <PageHeader path={["Administration", "Settings", "Upload HSM Packages"]} title="Upload HSM Packages" />
      <EmptyState title="No HSM packages uploaded">
        <p>Vendor HSM client bundles (such as safenet.tar) will be uploaded, validated and listed here.</p>
      </EmptyState>
    </>
  );
}
