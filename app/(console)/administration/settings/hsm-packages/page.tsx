import { PackagesTable } from "@/components/hsm-packages/packages-table";
import { UploadPackageForm } from "@/components/hsm-packages/upload-form";
import { PageHeader } from "@/components/ui/page-header";

export default function HsmPackagesPage() {
  return (
    <>
      <PageHeader path={["Administration", "Settings", "Upload HSM Packages"]} title="Upload HSM Packages" />
      <UploadPackageForm />
      <PackagesTable />
    </>
  );
}
