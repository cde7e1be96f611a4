import Link from "next/link";
import { CertificateList } from "@/components/certificates/certificate-list";
import { ExpiryTimeline } from "@/components/certificates/expiry-timeline";
import { PageHeader } from "@/components/ui/page-header";

export default function SslCertificatesPage() {
  return (
    <>
      <PageHeader path={["Templates", "Security", "SSL/TLS Certificates"]} title="SSL/TLS Certificates" />
      <div className="actions">
        <Link className="button" href="/templates/security/ssl-certificates/new">
          Create application certificate
        </Link>
        <Link className="button" href="/templates/security/ssl-certificates/import">
          Import certificate
        </Link>
        <Link className="button" href="/templates/security/ssl-certificates/inventory">
          HSM key inventory
        </Link>
      </div>
      <ExpiryTimeline />
      <CertificateList />
    </>
  );
}
