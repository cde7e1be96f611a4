import { KeyInventory } from "@/components/certificates/key-inventory";
import { PageHeader } from "@/components/ui/page-header";

export default function Page() {
  return (
    <>
      <PageHeader
        path={["Templates", "Security", "SSL/TLS Certificates", "Inventory"]}
        title="HSM key inventory"
      />
      <KeyInventory />
    </>
  );
}
