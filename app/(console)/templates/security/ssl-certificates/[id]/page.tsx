import { CertificateDetail } from "@/components/certificates/certificate-detail";
import { PageHeader } from "@/components/ui/page-header";

export default function Page() {
  return (
    <>
      <PageHeader path={["Templates", "Security", "SSL/TLS Certificates"]} title="Certificate" />
      <CertificateDetail />
    </>
  );
}
