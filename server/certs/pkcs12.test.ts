import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { parsePkcs12 } from "./pkcs12";
import { parsePrivateKey } from "./private-key";
import { CA_EXT, LEAF_EXT, OpensslDir } from "./testing/openssl";
import { validateImport } from "./validate-import";

const ssl = new OpensslDir();
const PASS = "p12 pässword";
let legacyAvailable = true;

beforeAll(() => {
  ssl.ecKey("root.key");
  ssl.selfSigned("root.key", "root.pem", "/CN=P12 Root", ["-addext", "basicConstraints=critical,CA:TRUE"]);
  ssl.ecKey("inter.key");
  ssl.signed("inter.key", "inter.pem", "/CN=P12 Intermediate", "root.pem", "root.key", CA_EXT);
  ssl.rsaKey("leaf.key", 2048);
  ssl.signed("leaf.key", "leaf.pem", "/CN=www.example.com", "inter.pem", "inter.key", LEAF_EXT);
  ssl.write("chain.pem", ssl.read("root.pem") + ssl.read("inter.pem")); // deliberately root first
  const base = [
    "pkcs12",
    "-export",
    "-inkey",
    "leaf.key",
    "-in",
    "leaf.pem",
    "-certfile",
    "chain.pem",
    "-passout",
    `pass:${PASS}`,
  ];
  ssl.run(...base, "-out", "default.p12");
  ssl.run(...base, "-macalg", "sha1", "-keypbe", "NONE", "-certpbe", "NONE", "-out", "plain.p12");
  try {
    ssl.run(...base, "-legacy", "-out", "legacy.p12");
  } catch {
    legacyAvailable = false; // no legacy provider in this openssl build
  }
  ssl.run(...base, "-nomac", "-out", "nomac.p12");
  ssl.run("pkcs12", "-export", "-nokeys", "-in", "leaf.pem", "-passout", "pass:x", "-out", "nokey.p12");
});
afterAll(() => ssl.cleanup());

async function refusal(fn: () => unknown): Promise<AppError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("parsePkcs12", () => {
  it("opens openssl's default file (AES-256-CBC, PBKDF2, SHA-256 MAC) with key, certificate and ordered chain", async () => {
    const parsed = await parsePkcs12({ der: ssl.readBuffer("default.p12"), password: PASS });
    const key = await parsePrivateKey({ text: ssl.read("leaf.key") });
    expect(parsed.key.pkcs8Der.equals(key.pkcs8Der)).toBe(true);
    expect(parsed.key).toMatchObject({ algorithm: "RSA", bits: 2048 });
    expect(parsed.certificate.subject.commonName).toBe("www.example.com");
    expect(parsed.chain.map((c) => c.subject.commonName)).toEqual(["P12 Intermediate", "P12 Root"]);
    const result = validateImport({
      key: parsed.key,
      certificatePem: parsed.certificatePem,
      chainPem: parsed.chainPem,
    });
    expect(result.findings).toEqual([]);
  });

  it("opens a -legacy file (3DES key, RC2-40 certificates, SHA-1 MAC)", async (context) => {
    if (!legacyAvailable) context.skip();
    const parsed = await parsePkcs12({ der: ssl.readBuffer("legacy.p12"), password: PASS });
    expect(parsed.certificate.subject.commonName).toBe("www.example.com");
    expect(parsed.chain).toHaveLength(2);
    expect(parsed.key.algorithm).toBe("RSA");
  });

  it("opens an unencrypted file with a plain key bag", async () => {
    expect((await parsePkcs12({ der: ssl.readBuffer("plain.p12"), password: PASS })).chain).toHaveLength(2);
  });

  it("refuses a wrong password on pkcs12Password", async () => {
    expect((await parsePkcs12({ der: ssl.readBuffer("nomac.p12"), password: PASS })).chain).toHaveLength(2);
    for (const file of [
      "default.p12",
      "plain.p12",
      "nomac.p12",
      ...(legacyAvailable ? ["legacy.p12"] : []),
    ]) {
      const error = await refusal(() => parsePkcs12({ der: ssl.readBuffer(file), password: "wrong" }));
      expect(error, file).toMatchObject({ code: "VALIDATION", field: "pkcs12Password" });
      expect(error.message).toMatch(/password does not open/);
    }
  });

  it("refuses a file over 1 MiB before parsing it", async () => {
    expect(
      (await refusal(() => parsePkcs12({ der: Buffer.alloc(1024 * 1024 + 1), password: PASS }))).code,
    ).toBe("PAYLOAD_TOO_LARGE");
  });

  it("refuses a file that is not PKCS#12, and one without a key", async () => {
    const notP12 = await refusal(() =>
      parsePkcs12({ der: Buffer.from(ssl.read("leaf.pem")), password: PASS, field: "file" }),
    );
    expect(notP12).toMatchObject({ code: "VALIDATION", field: "file" });
    expect(notP12.message).toMatch(/not a PKCS#12/);
    expect(
      (await refusal(() => parsePkcs12({ der: ssl.readBuffer("nokey.p12"), password: "x" }))).message,
    ).toMatch(/no private key/);
  });
});
