import { ConsoleCertificateForm } from "@/components/console-tls/console-certificate-form";
import { PageHeader } from "@/components/ui/page-header";

export default function ConsoleCertificatePage() {
  return (
    <>
      <PageHeader path={["Administration", "Settings", "Console Certificate"]} title="Console Certificate" />
      <ConsoleCertificateForm />
    </>
  );
}
