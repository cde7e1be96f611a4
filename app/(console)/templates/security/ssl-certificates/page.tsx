import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";

export default function SslCertificatesPage() {
  return (
    <>
      <PageHeader path={["Templates", "Security", "SSL/TLS Certificates"]} title="SSL/TLS Certificates" />
      <EmptyState title="No certificates yet">
        <p>
          Application certificates whose private keys live in an HSM group will be listed here, with their
          expiry and the virtual services that use them.
        </p>
      </EmptyState>
    </>
  );
}
