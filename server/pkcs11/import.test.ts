import { generateKeyPairSync, verify as nodeVerify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pkcs11Client } from "./client";
import { clientFor, type SoftHsmFixture, softHsmFixture, USER_PIN } from "./testing/fixtures";

let hsm: SoftHsmFixture;
let client: Pkcs11Client;
const token = { label: "import" };

beforeAll(async () => {
  hsm = await softHsmFixture([token.label]);
  client = clientFor(hsm.spec("import-test"));
  await client.login(token, USER_PIN);
});

afterAll(async () => {
  await client?.connection.close();
  await hsm?.cleanup();
});

const cases = [
  ["rsa2048", () => generateKeyPairSync("rsa", { modulusLength: 2048 })],
  ["p256", () => generateKeyPairSync("ec", { namedCurve: "P-256" })],
  ["p384", () => generateKeyPairSync("ec", { namedCurve: "P-384" })],
] as const;

describe.each(cases)("import %s", (name, make) => {
  it.each([false, true])(
    "imports PKCS#8 as sensitive, non-extractable (unwrap path: %s)",
    async (forceUnwrap) => {
      const pair = make();
      const idHex = Buffer.from(`imp-${name}-${forceUnwrap}`).toString("hex");
      const pkcs8 = pair.privateKey.export({ type: "pkcs8", format: "der" });
      const key = await client.importPrivateKey({
        token,
        idHex,
        label: `imported ${name}`,
        pkcs8,
        forceUnwrap,
      });
      expect(key).toMatchObject({
        idHex,
        local: false,
        origin: "imported",
        sensitive: true,
        extractable: false,
        hasPublicKey: true,
        type: name.startsWith("rsa") ? "RSA" : "EC",
      });
      const spki = pair.publicKey.export({ type: "spki", format: "der" });
      expect((await client.getPublicKey(token, idHex)).equals(spki)).toBe(true);
      const data = Buffer.from("imported key signs");
      const algorithm = name.startsWith("rsa") ? "RSASSA-PKCS1-v1_5" : "ECDSA";
      const signature = await client.sign({ token, idHex, algorithm, hash: "SHA-256", data });
      expect(nodeVerify("sha256", data, pair.publicKey, signature)).toBe(true);
      const probe = await client.connection.call("probePolicy", { token, idHex });
      expect(probe.readSecret).toBe("CKR_ATTRIBUTE_SENSITIVE");
      expect(probe.wrap).toMatch(/^CKR_KEY_(UNEXTRACTABLE|NOT_WRAPPABLE)$/);
    },
  );
});

it("refuses a key that is not PKCS#8 without echoing it", async () => {
  const err = await client
    .importPrivateKey({ token, idHex: "bad0", label: "bad", pkcs8: Buffer.from("not a key secret-123") })
    .catch((e: unknown) => e);
  expect(err).toMatchObject({ code: "VALIDATION" });
  expect(String((err as Error).message)).not.toContain("secret-123");
});
