import { createPublicKey } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { parsePrivateKey } from "./private-key";
import { OpensslDir } from "./testing/openssl";

const ssl = new OpensslDir();
const PASS = "correct horse";

beforeAll(() => {
  ssl.rsaKey("rsa.pk8", 2048);
  ssl.run("pkey", "-in", "rsa.pk8", "-traditional", "-out", "rsa.pk1");
  ssl.run("pkey", "-in", "rsa.pk8", "-aes-256-cbc", "-passout", `pass:${PASS}`, "-out", "rsa.enc8");
  ssl.run(
    "rsa",
    "-in",
    "rsa.pk8",
    "-traditional",
    "-aes256",
    "-passout",
    `pass:${PASS}`,
    "-out",
    "rsa.legacy",
  );
  ssl.run("ecparam", "-name", "secp384r1", "-genkey", "-noout", "-out", "ec.sec1");
  ssl.run("pkey", "-in", "ec.sec1", "-outform", "DER", "-out", "ec.der");
  ssl.run("ecparam", "-name", "secp256k1", "-genkey", "-noout", "-out", "k1.sec1");
  ssl.rsaKey("rsa1024.pem", 1024);
  ssl.run("genpkey", "-algorithm", "ED25519", "-out", "ed.pem");
  ssl.run(
    "pkcs8",
    "-topk8",
    "-in",
    "ec.sec1",
    "-outform",
    "DER",
    "-v2",
    "aes-128-cbc",
    "-passout",
    `pass:${PASS}`,
    "-out",
    "ec.enc.der",
  );
});
afterAll(() => ssl.cleanup());

async function catchError(fn: () => unknown): Promise<AppError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected an AppError");
}

describe("parsePrivateKey", () => {
  it("reads PKCS#8, PKCS#1, encrypted PKCS#8 and legacy encrypted PEM to the same key", async () => {
    expect(ssl.read("rsa.pk1")).toContain("BEGIN RSA PRIVATE KEY");
    expect(ssl.read("rsa.legacy")).toContain("Proc-Type: 4,ENCRYPTED");
    expect(ssl.read("rsa.enc8")).toContain("BEGIN ENCRYPTED PRIVATE KEY");
    const plain = await parsePrivateKey({ text: ssl.read("rsa.pk8") });
    expect(plain).toMatchObject({ algorithm: "RSA", bits: 2048 });
    for (const [file, passphrase] of [["rsa.pk1"], ["rsa.enc8", PASS], ["rsa.legacy", PASS]] as const) {
      const parsed = await parsePrivateKey({ text: ssl.read(file), ...(passphrase ? { passphrase } : {}) });
      expect(parsed.pkcs8Der.equals(plain.pkcs8Der), file).toBe(true);
      expect(parsed.publicKeySpkiDer.equals(plain.publicKeySpkiDer), file).toBe(true);
    }
    const spki = createPublicKey(ssl.read("rsa.pk8")).export({ type: "spki", format: "der" });
    expect(plain.publicKeySpkiDer.equals(spki)).toBe(true);
  });

  it("reads SEC1 PEM and DER, with the curve", async () => {
    expect(await parsePrivateKey({ text: `my key:\r\n${ssl.read("ec.sec1")}` })).toMatchObject({
      algorithm: "EC",
      curve: "P-384",
    });
    expect((await parsePrivateKey({ der: ssl.readBuffer("ec.der") })).curve).toBe("P-384");
  });

  it("asks for a missing passphrase and rejects a wrong one on keyPassphrase", async () => {
    for (const file of ["rsa.enc8", "rsa.legacy"]) {
      const missing = await catchError(() => parsePrivateKey({ text: ssl.read(file) }));
      expect(missing).toMatchObject({ code: "VALIDATION", field: "keyPassphrase" });
      expect(missing.message).toMatch(/encrypted: enter its passphrase/);
      const wrong = await catchError(() => parsePrivateKey({ text: ssl.read(file), passphrase: "nope" }));
      expect(wrong).toMatchObject({ code: "VALIDATION", field: "keyPassphrase" });
      expect(wrong.message).toMatch(/does not decrypt/);
    }
  });

  it("rejects garbage on the key field without echoing the input", async () => {
    const secret = ssl.read("rsa.pk8");
    const broken = secret.replace(/\n[A-Za-z0-9+/]{30}/, "\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    const error = await catchError(() => parsePrivateKey({ text: broken, field: "keyPem" }));
    expect(error).toMatchObject({ code: "VALIDATION", field: "keyPem" });
    expect(JSON.stringify(error.toJSON())).not.toContain(broken.split("\n")[2]!);
    expect((await catchError(() => parsePrivateKey({ text: "not a key" }))).field).toBe("key");
    expect((await catchError(() => parsePrivateKey({ der: Buffer.from("nope") }))).field).toBe("key");
  });

  it("refuses unsupported algorithms and curves but accepts RSA-1024", async () => {
    expect((await catchError(() => parsePrivateKey({ text: ssl.read("k1.sec1") }))).message).toMatch(
      /secp256k1/,
    );
    expect((await catchError(() => parsePrivateKey({ text: ssl.read("ed.pem") }))).message).toMatch(
      /ED25519/,
    );
    expect((await parsePrivateKey({ text: ssl.read("rsa1024.pem") })).bits).toBe(1024);
  });

  it("reads encrypted PKCS#8 DER and asks for its passphrase", async () => {
    const der = ssl.readBuffer("ec.enc.der");
    expect((await parsePrivateKey({ der, passphrase: PASS })).curve).toBe("P-384");
    expect((await catchError(() => parsePrivateKey({ der }))).message).toMatch(
      /encrypted: enter its passphrase/,
    );
    expect((await catchError(() => parsePrivateKey({ der, passphrase: "nope" }))).field).toBe(
      "keyPassphrase",
    );
  });

  it("refuses text over 1 MiB before parsing it", async () => {
    const error = await catchError(() =>
      parsePrivateKey({ text: ssl.read("rsa.pk8") + " ".repeat(1024 * 1024) }),
    );
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("refuses two keys in one text", async () => {
    const text = ssl.read("rsa.pk8") + ssl.read("ec.sec1");
    expect((await catchError(() => parsePrivateKey({ text }))).message).toMatch(/more than one/);
  });
});
