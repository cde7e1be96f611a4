import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pkcs11Client } from "./client";
import { nodeHashName } from "./formats";
import { clientFor, type SoftHsmFixture, softHsmFixture, USER_PIN } from "./testing/fixtures";
import type { KeySpec, SignAlgorithm } from "./types";

let hsm: SoftHsmFixture;
let client: Pkcs11Client;
const token = { label: "keys" };

beforeAll(async () => {
  hsm = await softHsmFixture(["keys"]);
  client = clientFor(hsm.spec("keys-test"));
  await client.login(token, USER_PIN);
});

afterAll(async () => {
  await client?.connection.close();
  await hsm?.cleanup();
});

describe("slots, tokens and mechanisms", () => {
  it("lists slots like vtl listSlots", async () => {
    const slots = await client.listSlots();
    const slot = slots.find((s) => s.token?.label === "keys");
    expect(slot?.present).toBe(true);
    expect(slot?.token).toMatchObject({
      serial: hsm.tokens[0]?.serial,
      manufacturer: "SoftHSM project",
      model: "SoftHSM v2",
    });
    expect(slot?.token?.flags.initialized).toBe(true);
    expect(slot?.token?.memory).toBeTypeOf("object");
    expect(slot?.description).not.toBe("");
    // SoftHSM always offers one uninitialised slot beside the tokens.
    expect(slots.some((s) => s.token && !s.token.flags.initialized)).toBe(true);
  });

  it("lists mechanisms with key-size ranges", async () => {
    const mechs = await client.mechanisms({ label: "keys", serial: hsm.tokens[0]?.serial });
    const rsa = mechs.find((m) => m.name === "CKM_RSA_PKCS_KEY_PAIR_GEN");
    expect(rsa?.flags.generateKeyPair).toBe(true);
    expect(rsa?.minKeySize).toBeLessThanOrEqual(2048);
    expect(rsa?.maxKeySize).toBeGreaterThanOrEqual(4096);
    expect(mechs.some((m) => m.name === "CKM_ECDSA" && m.flags.sign)).toBe(true);
    expect(await client.keySpecs(token)).toEqual([
      { type: "RSA", bits: 2048 },
      { type: "RSA", bits: 3072 },
      { type: "RSA", bits: 4096 },
      { type: "EC", curve: "P-256" },
      { type: "EC", curve: "P-384" },
      { type: "EC", curve: "P-521" },
    ]);
  });

  it("reports a missing token clearly", async () => {
    await expect(client.findKeys({ label: "nope" })).rejects.toMatchObject({ code: "HSM_TOKEN_NOT_PRESENT" });
  });
});

const specs: Array<[string, KeySpec, SignAlgorithm[]]> = [
  ["rsa2048", { type: "RSA", bits: 2048 }, ["RSASSA-PKCS1-v1_5", "RSA-PSS"]],
  ["rsa3072", { type: "RSA", bits: 3072 }, ["RSASSA-PKCS1-v1_5", "RSA-PSS"]],
  ["p256", { type: "EC", curve: "P-256" }, ["ECDSA"]],
  ["p384", { type: "EC", curve: "P-384" }, ["ECDSA"]],
  ["p521", { type: "EC", curve: "P-521" }, ["ECDSA"]],
];

describe.each(specs)("key pair %s", (name, spec, algorithms) => {
  const idHex = Buffer.from(`id-${name}`).toString("hex");

  it("generates with the enforced policy and finds it by id and label", async () => {
    const key = await client.generateKeyPair({ token, idHex, label: `key-${name}`, spec });
    expect(key).toMatchObject({
      idHex,
      label: `key-${name}`,
      type: spec.type,
      local: true,
      origin: "generated",
      sensitive: true,
      extractable: false,
      alwaysSensitive: true,
      neverExtractable: true,
      hasPublicKey: true,
    });
    expect(key.bits).toBe(
      spec.type === "RSA" ? spec.bits : { "P-256": 256, "P-384": 384, "P-521": 521 }[spec.curve],
    );
    expect(key.uri).toBe(
      `pkcs11:token=keys;id=${idHex.replace(/(..)/g, "%$1")};object=key-${name};type=private`,
    );
    expect((await client.findKeys(token, { label: `key-${name}` })).map((k) => k.idHex)).toEqual([idHex]);
  });

  it.each(algorithms)("signs with %s and verifies (token and SPKI)", async (algorithm) => {
    const spki = await client.getPublicKey(token, idHex);
    const publicKey = createPublicKey({ key: spki, format: "der", type: "spki" });
    expect(publicKey.asymmetricKeyType).toBe(spec.type === "RSA" ? "rsa" : "ec");
    const data = Buffer.from(`hello ${name}`);
    for (const hash of ["SHA-256", "SHA-384"] as const) {
      const signature = await client.sign({ token, idHex, algorithm, hash, data });
      expect(await client.verify({ token, idHex, algorithm, hash, data, signature })).toBe(true);
      expect(
        await client.verify({ token, idHex, algorithm, hash, data: Buffer.from("other"), signature }),
      ).toBe(false);
      const ok = nodeVerify(
        nodeHashName(hash),
        data,
        algorithm === "RSA-PSS"
          ? { key: publicKey, padding: 6, saltLength: hash === "SHA-256" ? 32 : 48 }
          : publicKey,
        signature,
      );
      expect(ok).toBe(true);
    }
  });

  it("passes the key test", async () => {
    expect(await client.testKey(token, idHex)).toMatchObject({ ok: true });
  });

  it("enforces the key policy (no read, no modify, no wrap)", async () => {
    expect(await client.connection.call("probePolicy", { token, idHex })).toEqual({
      readSecret: "CKR_ATTRIBUTE_SENSITIVE",
      setSensitiveFalse: expect.stringMatching(/^CKR_(ATTRIBUTE_READ_ONLY|ACTION_PROHIBITED)$/),
      setExtractableTrue: expect.stringMatching(/^CKR_(ATTRIBUTE_READ_ONLY|ACTION_PROHIBITED)$/),
      wrap: expect.stringMatching(/^CKR_KEY_(UNEXTRACTABLE|NOT_WRAPPABLE)$/),
    });
  });
});

describe("RSA-4096, duplicates, destroy", () => {
  it("generates RSA-4096 and signs", async () => {
    const key = await client.generateKeyPair({
      token,
      idHex: "4096",
      label: "big",
      spec: { type: "RSA", bits: 4096 },
    });
    expect(key.bits).toBe(4096);
    expect((await client.testKey(token, "4096")).ok).toBe(true);
  });

  it("refuses a duplicate CKA_ID", async () => {
    await expect(
      client.generateKeyPair({
        token,
        idHex: Buffer.from("id-p256").toString("hex"),
        label: "dup",
        spec: { type: "EC", curve: "P-256" },
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("destroys private and public objects", async () => {
    await client.generateKeyPair({
      token,
      idHex: "dead",
      label: "gone",
      spec: { type: "EC", curve: "P-256" },
    });
    expect(await client.destroyKey(token, "dead")).toEqual({ destroyed: 2 });
    expect(await client.findKeys(token, { idHex: "dead" })).toEqual([]);
    await expect(
      client.sign({ token, idHex: "dead", algorithm: "ECDSA", hash: "SHA-256", data: Buffer.from("x") }),
    ).rejects.toMatchObject({
      code: "HSM_OBJECT_NOT_FOUND",
    });
  });
});
