import type { Certificate } from "@/lib/schemas/certificate";
import { CopyButton } from "../ui/copy-button";
import { keyLocationText, keyText } from "./labels";

/** Every stored fact of a certificate, as a definition list. */
export function CertificateFields({ c }: { c: Certificate }) {
  const rows: Array<[string, string | null]> = [
    ["Type", c.type],
    ["Subject", c.subject.dn ?? c.subjectCn],
    ["DNS names", c.dnsNames.join(", ") || null],
    ["IP addresses", c.ipAddresses.join(", ") || null],
    ["Issuer", c.issuer],
    ["Serial", c.serial],
    ["Valid from", c.notBefore && new Date(c.notBefore).toLocaleString()],
    ["Valid until", c.notAfter && new Date(c.notAfter).toLocaleString()],
    ["Key", `${keyText(c)} (${c.keyOrigin}${c.type === "reference" ? ", referenced" : ""})`],
    ["Key location", keyLocationText(c)],
    ["Key label", c.keyLabel],
    ["Key id (CKA_ID)", c.keyIdHex],
    ["PKCS#11 URI", c.keyUri],
    ["SHA-1 fingerprint", c.fingerprintSha1],
    ["SHA-256 fingerprint", c.fingerprintSha256],
    ["Used by", c.usedBy.map((u) => u.name).join(", ") || "No virtual service"],
    ["Created", new Date(c.createdAt).toLocaleString()],
  ];
  return (
    <section className="panel" aria-label="Certificate details">
      <dl>
        {rows
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>
                <code>{v}</code>
              </dd>
            </div>
          ))}
      </dl>
      {c.certificatePem && (
        <details>
          <summary>Certificate PEM</summary>
          <pre>{c.certificatePem}</pre>
          {c.chainPem && <pre>{c.chainPem}</pre>}
          <CopyButton text={c.certificatePem + (c.chainPem ?? "")} what="certificate PEM" />
        </details>
      )}
    </section>
  );
}
