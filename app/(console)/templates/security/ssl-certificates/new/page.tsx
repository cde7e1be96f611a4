import { CreateCertificateForm } from "@/components/certificates/create-certificate-form";
import { PageHeader } from "@/components/ui/page-header";

export default function Page() {
  return (
    <>
      <PageHeader
        path={["Templates", "Security", "SSL/TLS Certificates", "Create"]}
        title="New application certificate"
      />
      <CreateCertificateForm />
    </>
  );
}
