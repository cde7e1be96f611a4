import { createSelfSigned, type SelfSignedResult } from "./self-signed";

/**
 * A client identity for NTLS, like `vtl createCert -n <client>` writes <client>.pem and
 * <client>Key.pem. The console will issue real ones; tests and the lab use this directly.
 */
export interface ClientCertificateOptions {
  /** The client name the appliance will know it by (often its IP address, as in the document). */
  name: string;
  notBefore?: Date;
  notAfter?: Date;
  keyAlgorithm?: "EC" | "RSA";
}

export function createClientCertificate(opts: ClientCertificateOptions): Promise<SelfSignedResult> {
  return createSelfSigned({
    commonName: opts.name,
    ...(opts.notBefore ? { notBefore: opts.notBefore } : {}),
    ...(opts.notAfter ? { notAfter: opts.notAfter } : {}),
    ...(opts.keyAlgorithm ? { keyAlgorithm: opts.keyAlgorithm } : {}),
  });
}
