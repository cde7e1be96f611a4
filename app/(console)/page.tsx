import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";

/** The document's six steps, in order, as the way in for a new administrator. */
const STEPS = [
  { title: "Upload the HSM client package", href: "/administration/settings/hsm-packages" },
  { title: "Create the HSM group and add the HSM devices", href: "/templates/security/hsm-groups" },
  {
    title: "Register the console and service engines as HSM clients",
    href: "/templates/security/hsm-groups",
  },
  {
    title: "Associate the HSM group with a service engine group",
    href: "/infrastructure/clouds/default-cloud/service-engine-groups",
  },
  {
    title: "Create or import application certificates with keys in the HSM",
    href: "/templates/security/ssl-certificates",
  },
  {
    title: "Enable SSL with the HSM certificate on a virtual service",
    href: "/applications/virtual-services",
  },
];

export default function OverviewPage() {
  return (
    <>
      <PageHeader path={["Overview"]} title="Getting started" />
      <section className="panel">
        <p>Secure virtual services with keys that never leave your hardware security modules:</p>
        <ol>
          {STEPS.map((step) => (
            <li key={step.title}>
              <Link href={step.href}>{step.title}</Link>
            </li>
          ))}
        </ol>
      </section>
    </>
  );
}
