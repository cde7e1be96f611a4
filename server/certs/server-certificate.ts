import { AppError } from "@/lib/errors";
import { type CertificateSummary, decodeCertificates, summarizeCertificate } from "./certificate";

const FETCH_HINT =
  "Fetch it from the appliance with `scp admin@<hsm>:server.pem <hsm>.pem` and paste that file.";

/**
 * An HSM appliance's `server.pem` (the NTLS server certificate the client pins): exactly one
 * X.509 certificate, currently valid. Errors name `field` so the form shows them beside the input.
 */
export function parseServerCertificate(
  text: string,
  now: Date = new Date(),
  field = "serverCert",
): CertificateSummary {
  let certs: ReturnType<typeof decodeCertificates>;
  try {
    certs = decodeCertificates(text, field);
  } catch (error) {
    if (error instanceof AppError) {
      throw new AppError("VALIDATION", `${error.message} ${FETCH_HINT}`, { field });
    }
    throw error;
  }
  if (certs.length !== 1) {
    throw new AppError(
      "VALIDATION",
      `server.pem must hold exactly one certificate; this text holds ${certs.length}. ${FETCH_HINT}`,
      { field },
    );
  }
  const summary = summarizeCertificate(certs[0]!, now);
  if (summary.expiry === "expired") {
    throw new AppError(
      "VALIDATION",
      `This server certificate expired on ${summary.notAfter.slice(0, 10)}. Regenerate it on the appliance ` +
        `(lunash: sysconf regenCert), then fetch it again with \`scp admin@<hsm>:server.pem <hsm>.pem\`.`,
      { field, details: { notAfter: summary.notAfter, sha256: summary.fingerprints.sha256 } },
    );
  }
  if (summary.expiry === "not-yet-valid") {
    throw new AppError(
      "VALIDATION",
      `This server certificate is not valid before ${summary.notBefore}. Check the clock of the appliance and of this console.`,
      { field, details: { notBefore: summary.notBefore } },
    );
  }
  return summary;
}
