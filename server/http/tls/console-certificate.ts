import fs from "node:fs";
import os from "node:os";
import { checkTlsPair, generatedTlsPaths, suppliedTls, type TlsMaterial } from "@/server/config/tls";
import { createSelfSigned } from "@/server/ntls/self-signed";
import { errorFields, log } from "@/server/observability/logger";

export interface ConsoleTls extends TlsMaterial {
  /** "supplied": HSM_CONSOLE_TLS_CERT/KEY; "generated": self-signed in <data>/tls. */
  source: "supplied" | "generated";
  /** True when this call made the self-signed certificate. */
  created: boolean;
}

const VALIDITY_DAYS = 825;

/**
 * The console's HTTPS certificate: the supplied one, or the self-signed one made on first start
 * and reused after (kept in <data>/tls, key 0600). Replaced only when it has expired.
 */
export async function ensureConsoleTls(): Promise<ConsoleTls> {
  const supplied = suppliedTls();
  if (supplied) return { ...supplied, source: "supplied", created: false };
  const paths = generatedTlsPaths();
  const existing = readGenerated(paths);
  if (existing) return { ...existing, source: "generated", created: false };
  fs.mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const notBefore = new Date(Date.now() - 60_000);
  const made = await createSelfSigned({
    commonName: `HSM Console ${os.hostname()}`,
    dnsNames: [...new Set(["localhost", os.hostname()])],
    ips: localAddresses(),
    notBefore,
    notAfter: new Date(notBefore.getTime() + VALIDITY_DAYS * 86_400_000),
  });
  // Key first, written private from the start; the certificate marks the pair complete.
  writePrivate(paths.key, made.keyPem);
  fs.writeFileSync(paths.cert, made.certPem, { mode: 0o644 });
  return { ...made, source: "generated", created: true };
}

function readGenerated(paths: { cert: string; key: string }): TlsMaterial | null {
  if (!fs.existsSync(paths.cert) || !fs.existsSync(paths.key)) return null;
  try {
    fs.chmodSync(paths.key, 0o600);
    return checkTlsPair(
      fs.readFileSync(paths.cert, "utf8"),
      fs.readFileSync(paths.key, "utf8"),
      paths.cert,
      paths.key,
    );
  } catch (error) {
    // Expired or damaged: a new one is made (browsers and the CLI will see a new fingerprint).
    log("console-tls").warn({ ...errorFields(error), msg: "the console's TLS certificate is replaced" });
    return null;
  }
}

function writePrivate(file: string, content: string): void {
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, content, { mode: 0o600, flag: "wx" });
}

/** Loopback and this host's interface addresses, so that https://<address>:port verifies too. */
function localAddresses(): string[] {
  const addresses = new Set(["127.0.0.1", "::1"]);
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) addresses.add(a.address.split("%")[0]!);
  }
  return [...addresses];
}
