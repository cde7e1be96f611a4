import { parseCertificatePem } from "@/server/certs";

/** The columns derived from a certificate PEM (what the list and virtual services read). */
export function certificateColumns(certificatePem: string, field = "certificatePem") {
  const [leaf] = parseCertificatePem(certificatePem, new Date(), field);
  if (!leaf) throw new Error("no certificate");
  const { dn, ...subject } = leaf.subject;
  return {
    certificatePem: leaf.pem,
    subjectCn: leaf.subject.commonName ?? null,
    subject: { ...Object.fromEntries(Object.entries(subject).filter(([, v]) => !!v)), dn } as Record<
      string,
      string
    >,
    subjectAltNames: { dns: leaf.subjectAltNames.dns, ip: leaf.subjectAltNames.ip },
    issuer: leaf.issuer.dn,
    serial: leaf.serialNumber,
    notBefore: new Date(leaf.notBefore),
    notAfter: new Date(leaf.notAfter),
    fingerprintSha1: leaf.fingerprints.sha1,
    fingerprintSha256: leaf.fingerprints.sha256,
  };
}
