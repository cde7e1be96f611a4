import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { certificateMatchesPublicKey, parseCsrPem } from "./csr";
import { parsePrivateKey } from "./private-key";
import { LEAF_EXT, OpensslDir } from "./testing/openssl";

const ssl = new OpensslDir();

beforeAll(() => {
  ssl.ecKey("ca.key");
  ssl.selfSigned("ca.key", "ca.pem", "/CN=CSR CA", ["-addext", "basicConstraints=critical,CA:TRUE"]);
  ssl.ecKey("hsm.key", "P-384");
  ssl.run(
    "req",
    "-new",
    "-key",
    "hsm.key",
    "-out",
    "req.pem",
    "-subj",
    "/C=US/O=Example/CN=shop.example.com",
    "-addext",
    "subjectAltName=DNS:shop.example.com,DNS:www.shop.example.com,IP:198.51.100.7",
  );
  ssl.write("signed.ext", LEAF_EXT);
  ssl.run(
    "x509",
    "-req",
    "-in",
    "req.pem",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "signed.pem",
    "-days",
    "30",
  );
  ssl.rsaKey("other.key", 2048);
  ssl.run("req", "-new", "-key", "other.key", "-out", "rsa-req.pem", "-subj", "/CN=rsa.example.com");
});
afterAll(() => ssl.cleanup());

describe("parseCsrPem", () => {
  it("reads subject, requested SANs, the public key and checks the signature", async () => {
    const csr = parseCsrPem(ssl.read("req.pem"));
    expect(csr.subject).toMatchObject({
      commonName: "shop.example.com",
      organization: "Example",
      country: "US",
    });
    expect(csr.subjectAltNames).toEqual({
      dns: ["shop.example.com", "www.shop.example.com"],
      ip: ["198.51.100.7"],
      email: [],
    });
    expect(csr.publicKey).toMatchObject({ algorithm: "EC", curve: "P-384" });
    expect(
      csr.publicKeySpkiDer.equals((await parsePrivateKey({ text: ssl.read("hsm.key") })).publicKeySpkiDer),
    ).toBe(true);
    expect(csr.signatureAlgorithm).toBe("ecdsa-with-SHA256");
    expect(csr.signatureValid).toBe(true);
    const rsa = parseCsrPem(ssl.read("rsa-req.pem"));
    expect(rsa).toMatchObject({ publicKey: { algorithm: "RSA", bits: 2048 }, signatureValid: true });
  });

  it("detects a tampered request and refuses non-CSR text", () => {
    const der = Buffer.from(
      ssl
        .read("req.pem")
        .replace(/-----[^-]+-----/g, "")
        .replace(/\s/g, ""),
      "base64",
    );
    const at = der.indexOf(Buffer.from("shop.example.com"));
    der[at] = "x".charCodeAt(0);
    const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
    expect(parseCsrPem(tampered).signatureValid).toBe(false);
    expect(() => parseCsrPem(ssl.read("ca.pem"))).toThrow(AppError);
  });
});

describe("certificateMatchesPublicKey", () => {
  it("accepts the certificate signed for the CSR key and refuses one for another key", () => {
    const spki = parseCsrPem(ssl.read("req.pem")).publicKeySpkiDer;
    expect(certificateMatchesPublicKey(ssl.read("signed.pem") + ssl.read("ca.pem"), spki)).toBe(true);
    expect(certificateMatchesPublicKey(ssl.read("ca.pem"), spki)).toBe(false);
  });
});
