import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ParsedPrivateKey, parsePrivateKey } from "./private-key";
import { CA_EXT, LEAF_EXT, OpensslDir } from "./testing/openssl";
import { validateImport } from "./validate-import";

const ssl = new OpensslDir();
const pem: Record<string, string> = {};
let leafKey: ParsedPrivateKey;
let otherKey: ParsedPrivateKey;
const codes = (result: ReturnType<typeof validateImport>) =>
  result.findings.map((f) => `${f.level}:${f.code}`);

beforeAll(async () => {
  for (const name of ["root", "inter", "leaf", "other", "client"]) ssl.ecKey(`${name}.key`);
  pem.root = ssl.selfSigned("root.key", "root.pem", "/O=Test/CN=Test Root", [
    "-addext",
    "basicConstraints=critical,CA:TRUE",
  ]);
  pem.inter = ssl.signed(
    "inter.key",
    "inter.pem",
    "/O=Test/CN=Test Intermediate",
    "root.pem",
    "root.key",
    CA_EXT,
  );
  pem.leaf = ssl.signed("leaf.key", "leaf.pem", "/CN=www.example.com", "inter.pem", "inter.key", LEAF_EXT);
  pem.client = ssl.signed(
    "client.key",
    "client.pem",
    "/CN=client",
    "inter.pem",
    "inter.key",
    "keyUsage=keyCertSign\nextendedKeyUsage=clientAuth\n",
  );
  pem.otherRoot = ssl.selfSigned("other.key", "other.pem", "/CN=Other Root", [
    "-addext",
    "basicConstraints=critical,CA:TRUE",
  ]);
  ssl.rsaKey("weak.key", 1024);
  pem.weak = ssl.selfSigned("weak.key", "weak.pem", "/CN=weak", [
    "-addext",
    "subjectAltName=DNS:weak.example",
  ]);
  ssl.rsaKey("rsa.key", 2048);
  pem.rsaKex = ssl.signed(
    "rsa.key",
    "rsakex.pem",
    "/CN=old.example.com",
    "inter.pem",
    "inter.key",
    "keyUsage=keyEncipherment\nsubjectAltName=DNS:old.example.com\n",
  );
  ssl.run(
    "req",
    "-x509",
    "-new",
    "-key",
    "rsa.key",
    "-out",
    "sha1.pem",
    "-subj",
    "/CN=sha1",
    "-sha1",
    "-days",
    "365",
    "-addext",
    "subjectAltName=DNS:sha1.example",
  );
  pem.sha1 = ssl.read("sha1.pem");
  leafKey = await parsePrivateKey({ text: ssl.read("leaf.key") });
  otherKey = await parsePrivateKey({ text: ssl.read("other.key") });
});
afterAll(() => ssl.cleanup());

describe("validateImport", () => {
  it("accepts a matching key with an ordered chain up to the root", () => {
    const result = validateImport({
      key: leafKey,
      certificatePem: pem.leaf!,
      chainPem: pem.inter! + pem.root!,
    });
    expect(result.findings).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.summary.certificate?.subject.commonName).toBe("www.example.com");
    expect(result.summary.chain.map((c) => c.subject.commonName)).toEqual(["Test Intermediate", "Test Root"]);
  });

  it("takes the chain from the certificate text and notes a missing root", () => {
    const result = validateImport({ key: leafKey, certificatePem: pem.leaf! + pem.inter! });
    expect(result.ok).toBe(true);
    expect(codes(result)).toEqual(["info:CHAIN_WITHOUT_ROOT"]);
    expect(codes(validateImport({ certificatePem: pem.leaf! }))).toEqual(["info:NO_CHAIN"]);
  });

  it("reports a key that does not match the certificate", () => {
    const result = validateImport({
      key: otherKey,
      certificatePem: pem.leaf!,
      chainPem: pem.inter! + pem.root!,
    });
    expect(result.ok).toBe(false);
    expect(result.findings).toEqual([
      expect.objectContaining({ level: "error", code: "KEY_MISMATCH", field: "key" }),
    ]);
    expect(result.findings[0]!.message).toMatch(/does not belong to this certificate/);
  });

  it("tells an out-of-order chain from one that does not link", () => {
    expect(codes(validateImport({ certificatePem: pem.leaf!, chainPem: pem.root! + pem.inter! }))).toContain(
      "error:CHAIN_ORDER",
    );
    const broken = validateImport({ certificatePem: pem.leaf!, chainPem: pem.otherRoot! });
    expect(codes(broken)).toEqual(["error:CHAIN_BROKEN"]);
    expect(broken.findings[0]!.message).toContain("CN=Other Root");
  });

  it("judges dates against now", () => {
    const notAfter = Date.parse(validateImport({ certificatePem: pem.leaf! }).summary.certificate!.notAfter);
    const at = (ms: number) =>
      validateImport({ certificatePem: pem.leaf!, chainPem: pem.inter! + pem.root!, now: new Date(ms) });
    expect(codes(at(notAfter + 1000))).toContain("error:EXPIRED");
    expect(at(notAfter + 1000).ok).toBe(false);
    const expiring = at(notAfter - 10 * 86_400_000);
    // The test chain was issued on the same day, so all three certificates expire together.
    expect(expiring.findings.map((f) => `${f.level}:${f.code}:${f.field}`)).toEqual([
      "warning:EXPIRING:certificate",
      "warning:EXPIRING:chain",
      "warning:EXPIRING:chain",
    ]);
    expect(expiring.findings[0]!.message).toMatch(/expires on .*, in 10 days/);
    expect(expiring.ok).toBe(true);
    expect(codes(at(Date.now() - 2 * 86_400_000))).toContain("error:NOT_YET_VALID");
  });

  it("refuses key usage and EKU that do not allow a TLS server", () => {
    const result = validateImport({ certificatePem: pem.client!, chainPem: pem.inter! + pem.root! });
    expect(codes(result)).toEqual(["error:KEY_USAGE", "error:EXTENDED_KEY_USAGE", "warning:NO_SAN"]);
    expect(result.findings[1]!.message).toMatch(/clientAuth, not for TLS servers/);
  });

  it("warns about a short RSA key and a CA certificate used as a server certificate", async () => {
    const weak = validateImport({
      key: await parsePrivateKey({ text: ssl.read("weak.key") }),
      certificatePem: pem.weak!,
    });
    expect(weak.ok).toBe(true);
    expect(codes(weak)).toEqual(["warning:WEAK_KEY", "warning:CA_CERTIFICATE"]);
    expect(codes(validateImport({ certificatePem: pem.leaf!, chainPem: pem.leaf! }))).toContain(
      "error:CHAIN_BROKEN",
    );
  });

  it("warns about RSA key exchange only and about SHA-1 signatures", () => {
    const kex = validateImport({ certificatePem: pem.rsaKex!, chainPem: pem.inter! + pem.root! });
    expect(codes(kex)).toEqual(["warning:KEY_USAGE"]);
    expect(kex.ok).toBe(true);
    expect(kex.findings[0]!.message).toMatch(/TLS 1\.3/);
    // openssl's req -x509 marks the certificate as a CA too; the SHA-1 finding is what matters here.
    expect(codes(validateImport({ certificatePem: pem.sha1! }))).toEqual([
      "warning:CA_CERTIFICATE",
      "warning:WEAK_SIGNATURE",
    ]);
  });

  it("reports unreadable input as findings instead of throwing", () => {
    const result = validateImport({
      certificatePem: "garbage",
      chainPem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
    });
    expect(result.ok).toBe(false);
    expect(codes(result)).toEqual(["error:CERTIFICATE_UNREADABLE", "error:CHAIN_UNREADABLE"]);
    expect(result.summary.certificate).toBeNull();
  });
});
