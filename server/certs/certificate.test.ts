import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { parseCertificatePem } from "./certificate";
import { expiryStatus } from "./expiry";
import { parseServerCertificate } from "./server-certificate";
import { CA_EXT, LEAF_EXT, OpensslDir } from "./testing/openssl";

const ssl = new OpensslDir();
let caPem = "";
let leafPem = "";
let serverPem = "";

beforeAll(() => {
  ssl.ecKey("ca.key");
  caPem = ssl.selfSigned("ca.key", "ca.pem", "/C=US/O=Example CA/CN=Example Root", [
    "-addext",
    CA_EXT.split("\n")[0]!,
  ]);
  ssl.ecKey("leaf.key");
  leafPem = ssl.signed(
    "leaf.key",
    "leaf.pem",
    "/C=US/ST=CA/L=SF/O=Example, Inc./OU=Web/CN=www.example.com/emailAddress=ops@example.com",
    "ca.pem",
    "ca.key",
    LEAF_EXT,
  );
  ssl.rsaKey("hsm.key");
  serverPem = ssl.selfSigned("hsm.key", "server.pem", "/CN=hsm1.lab");
});
afterAll(() => ssl.cleanup());

function catchError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("parseCertificatePem", () => {
  it("summarises subject, issuer, SANs, key, usages and fingerprints", () => {
    const [leaf] = parseCertificatePem(leafPem);
    expect(leaf!.subject).toMatchObject({
      commonName: "www.example.com",
      organization: "Example, Inc.",
      organizationalUnit: "Web",
      locality: "SF",
      state: "CA",
      country: "US",
      email: "ops@example.com",
    });
    expect(leaf!.subject.dn).toContain("O=Example\\, Inc.");
    expect(leaf!.issuer.commonName).toBe("Example Root");
    expect(leaf!.subjectAltNames).toEqual({ dns: ["www.example.com"], ip: ["192.0.2.10"], email: [] });
    expect(leaf!.publicKey).toEqual({ algorithm: "EC", curve: "P-256", bits: 256 });
    expect(leaf!.signatureAlgorithm).toBe("ecdsa-with-SHA256");
    expect(leaf!.keyUsage).toEqual(["digitalSignature", "keyEncipherment"]);
    expect(leaf!.extendedKeyUsage).toEqual(["serverAuth"]);
    expect(leaf!.isCa).toBe(false);
    expect(leaf!.selfSigned).toBe(false);
    const sha256 = ssl
      .run("x509", "-in", "leaf.pem", "-noout", "-fingerprint", "-sha256")
      .trim()
      .split("=")[1];
    expect(leaf!.fingerprints.sha256).toBe(sha256);
    expect(leaf!.fingerprints.sha1).toMatch(/^([0-9A-F]{2}:){19}[0-9A-F]{2}$/);
    const serial = ssl.run("x509", "-in", "leaf.pem", "-noout", "-serial").trim().split("=")[1];
    expect(leaf!.serialNumber).toBe(serial);
  });

  it("reads several certificates with CRLF line ends and leading text", () => {
    const text = `Bag Attributes: whatever\r\n${leafPem.replace(/\n/g, "\r\n")}\r\nsubject=...\r\n${caPem}`;
    const certs = parseCertificatePem(text);
    expect(certs.map((c) => c.subject.commonName)).toEqual(["www.example.com", "Example Root"]);
    expect(certs[1]!.isCa).toBe(true);
    expect(certs[1]!.selfSigned).toBe(true);
  });

  it("explains base64 DER without armour", () => {
    const body = leafPem
      .split("\n")
      .filter((line) => !line.startsWith("-----"))
      .join("\n");
    const error = catchError(() => parseCertificatePem(body));
    expect(error.code).toBe("VALIDATION");
    expect(error.message).toMatch(/without PEM armour/);
  });

  it("refuses a damaged certificate and text that is not PEM", () => {
    const damaged = leafPem.replace(/\n[A-Za-z0-9+/]{20}/, "\nAAAAAAAAAAAAAAAAAAAA");
    expect(catchError(() => parseCertificatePem(damaged)).message).toMatch(/not a valid X.509/);
    expect(catchError(() => parseCertificatePem("hello")).message).toMatch(/not PEM/);
  });

  it("computes expiry status against now", () => {
    const [leaf] = parseCertificatePem(leafPem);
    const notAfter = new Date(leaf!.notAfter);
    const day = 86_400_000;
    expect(expiryStatus(notAfter, new Date(notAfter.getTime() - 40 * day))).toBe("good");
    expect(expiryStatus(notAfter, new Date(notAfter.getTime() - 30 * day))).toBe("expiring");
    expect(expiryStatus(notAfter, new Date(notAfter.getTime() + 1))).toBe("expired");
    expect(parseCertificatePem(leafPem, new Date(Date.parse(leaf!.notBefore) - day))[0]!.expiry).toBe(
      "not-yet-valid",
    );
  });
});

describe("parseServerCertificate", () => {
  it("accepts one valid certificate", () => {
    const summary = parseServerCertificate(serverPem, new Date());
    expect(summary.subject.commonName).toBe("hsm1.lab");
    expect(summary.publicKey).toEqual({ algorithm: "RSA", bits: 2048 });
  });

  it("refuses not-PEM, two certificates and an expired one, naming the field and the fix", () => {
    const notPem = catchError(() => parseServerCertificate("garbage", new Date(), "server[0].serverCert"));
    expect(notPem.field).toBe("server[0].serverCert");
    expect(notPem.message).toMatch(/scp admin@<hsm>:server.pem/);
    expect(catchError(() => parseServerCertificate(serverPem + caPem)).message).toMatch(/exactly one/);
    const later = new Date(Date.now() + 400 * 86_400_000);
    const expired = catchError(() => parseServerCertificate(serverPem, later));
    expect(expired.field).toBe("serverCert");
    expect(expired.message).toMatch(/expired/);
  });

  it("refuses a certificate block that is not X.509", () => {
    const fake = "-----BEGIN CERTIFICATE-----\nTUlJQmFrZQ==\n-----END CERTIFICATE-----\n";
    const error = catchError(() => parseServerCertificate(fake));
    expect(error).toMatchObject({ code: "VALIDATION", field: "serverCert" });
    expect(error.message).toMatch(/not a valid X\.509 certificate\. Fetch it/);
  });

  it("refuses a private key pasted instead of the certificate", () => {
    expect(catchError(() => parseServerCertificate(ssl.read("hsm.key"))).message).toMatch(
      /No certificate found/,
    );
  });
});
