import { createPrivateKey, X509Certificate } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir, env } from "./env";

export interface TlsMaterial {
  certPem: string;
  keyPem: string;
  /** SHA-256 of the certificate (DER), uppercase hex with colons, as printed in the start log. */
  fingerprint: string;
}

/** Where the console's generated certificate lives when none is supplied. */
export function generatedTlsPaths(): { dir: string; cert: string; key: string } {
  const dir = path.join(dataDir(), "tls");
  return { dir, cert: path.join(dir, "console.crt"), key: path.join(dir, "console.key") };
}

/**
 * The certificate and key from HSM_CONSOLE_TLS_CERT / HSM_CONSOLE_TLS_KEY, checked now (readable,
 * PEM, key matches, not expired) so that a wrong file stops the start with the variable named,
 * not the first browser. Null when neither is set.
 */
export function suppliedTls(): TlsMaterial | null {
  const { HSM_CONSOLE_TLS_CERT: certFile, HSM_CONSOLE_TLS_KEY: keyFile } = env();
  if (!certFile || !keyFile) return null;
  const certPem = readSetting("HSM_CONSOLE_TLS_CERT", certFile);
  const keyPem = readSetting("HSM_CONSOLE_TLS_KEY", keyFile);
  return checkTlsPair(certPem, keyPem, "HSM_CONSOLE_TLS_CERT", "HSM_CONSOLE_TLS_KEY");
}

/** Parses and cross-checks a certificate and its key; errors name the setting to fix. */
export function checkTlsPair(
  certPem: string,
  keyPem: string,
  certName: string,
  keyName: string,
): TlsMaterial {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    throw new Error(`${certName}: not a PEM X.509 certificate. Point it at the console's certificate file.`);
  }
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new Error(
      `${keyName}: not an unencrypted PEM private key. Point it at the certificate's key file.`,
    );
  }
  if (!cert.checkPrivateKey(key)) {
    throw new Error(`${keyName}: this key does not belong to the certificate in ${certName}.`);
  }
  if (new Date(cert.validTo).getTime() < Date.now()) {
    throw new Error(`${certName}: the certificate expired on ${cert.validTo}. Supply a current one.`);
  }
  return { certPem, keyPem, fingerprint: cert.fingerprint256 };
}

function readSetting(name: string, file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(`${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code}).`);
  }
}
