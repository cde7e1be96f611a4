import "reflect-metadata";
import { createHash, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

/**
 * Self-signed certificates as the console makes them: the clients' <name>.pem (and in tests an
 * appliance's server.pem). Both sides pin certificates exactly (no CA chain), so self-signed is
 * what a Luna appliance and `vtl createCert` produce too. The lab makes its own with openssl
 * (lab/appliance/self-signed.ts), so that a bug here cannot pass the lab's tests as well.
 */
export interface SelfSignedOptions {
  commonName: string;
  /** IP addresses and DNS names for subjectAltName (the appliance's address). */
  ips?: string[];
  dnsNames?: string[];
  notBefore?: Date;
  notAfter?: Date;
  /** EC P-256 by default (fast); RSA 2048 if asked. */
  keyAlgorithm?: "EC" | "RSA";
}

export interface SelfSignedResult {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the DER certificate, uppercase hex with colons (as node's X509Certificate.fingerprint256). */
  fingerprint: string;
}

// Passed explicitly to each call rather than set as @peculiar/x509's global provider: other
// code (the PKCS#11 layer) may install its own provider there.
const nodeCrypto = webcrypto as unknown as Crypto;

const DAY_MS = 24 * 60 * 60 * 1000;

export async function createSelfSigned(opts: SelfSignedOptions): Promise<SelfSignedResult> {
  const alg =
    opts.keyAlgorithm === "RSA"
      ? {
          name: "RSASSA-PKCS1-v1_5",
          hash: "SHA-256",
          publicExponent: new Uint8Array([1, 0, 1]),
          modulusLength: 2048,
        }
      : { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const keys = (await webcrypto.subtle.generateKey(alg, true, [
    "sign",
    "verify",
  ])) as unknown as CryptoKeyPair;
  const notBefore = opts.notBefore ?? new Date(Date.now() - 60_000);
  const notAfter = opts.notAfter ?? new Date(notBefore.getTime() + 365 * DAY_MS);
  const altNames = [
    ...(opts.ips ?? []).map((value) => ({ type: "ip" as const, value })),
    ...(opts.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerialHex(),
      name: `CN=${escapeDnValue(opts.commonName)}`,
      notBefore,
      notAfter,
      signingAlgorithm: alg,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
          true,
        ),
        ...(altNames.length > 0 ? [new x509.SubjectAlternativeNameExtension(altNames)] : []),
      ],
    },
    nodeCrypto,
  );
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey as unknown as webcrypto.CryptoKey);
  const keyPem = x509.PemConverter.encode(pkcs8, "PRIVATE KEY");
  return {
    certPem: `${cert.toString("pem")}\n`,
    keyPem: `${keyPem}\n`,
    fingerprint: fingerprintOfDer(cert.rawData),
  };
}

/**
 * A client identity for NTLS, like `vtl createCert -n <client>` writes <client>.pem and
 * <client>Key.pem: the console issues its own (hsm-groups/client-certs.ts), tests use it directly.
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

export function fingerprintOfDer(der: ArrayBuffer | Uint8Array): string {
  const hex = createHash("sha256").update(new Uint8Array(der)).digest("hex");
  return hex.toUpperCase().match(/../g)!.join(":");
}

function randomSerialHex(): string {
  // Positive 16-byte serial: first nibble kept below 8 so the DER integer has no sign bit.
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString("hex");
}

function escapeDnValue(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, "\\$1");
}
