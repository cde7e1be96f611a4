import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MAX_ITERATIONS } from "./kdf";
import { parsePkcs12 } from "./pkcs12";
import { parsePrivateKey } from "./private-key";
import { LEAF_EXT, OpensslDir } from "./testing/openssl";
import { repeatedKeyBags } from "./testing/p12-bags";

// Pass-through spies: the real derivations run; the test sees whether (and how often) they were asked for.
vi.mock("./kdf", async (importOriginal) => {
  const real = await importOriginal<typeof import("./kdf")>();
  return { ...real, pbkdf2Async: vi.fn(real.pbkdf2Async), pkcs12KdfAsync: vi.fn(real.pkcs12KdfAsync) };
});
const kdf = await import("./kdf");
const derivations = () =>
  vi.mocked(kdf.pbkdf2Async).mock.calls.length + vi.mocked(kdf.pkcs12KdfAsync).mock.calls.length;

const ssl = new OpensslDir();
const PASS = "bag-file-password";
const MiB = 1024 * 1024;

beforeAll(() => {
  ssl.ecKey("ca.key");
  ssl.selfSigned("ca.key", "ca.pem", "/CN=Bounds CA", ["-addext", "basicConstraints=critical,CA:TRUE"]);
  ssl.rsaKey("leaf.key", 2048);
  ssl.signed("leaf.key", "leaf.pem", "/CN=bounds.example", "ca.pem", "ca.key", LEAF_EXT);
  const p12 = (out: string, iter: number) =>
    ssl.run(
      ...["pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.pem", "-passout", `pass:${PASS}`],
      ...["-nomac", "-certpbe", "NONE", "-iter", String(iter), "-out", out],
    );
  p12("max.p12", MAX_ITERATIONS);
  p12("over.p12", MAX_ITERATIONS + 1);
  ssl.run(
    ...["pkcs8", "-topk8", "-in", "leaf.key", "-v2", "aes-256-cbc", "-iter", String(MAX_ITERATIONS + 1)],
    ...["-passout", `pass:${PASS}`, "-out", "over.enc8"],
  );
});
afterAll(() => ssl.cleanup());

/** Counts timer turns of the event loop while `work` runs. */
async function loopTurnsDuring<T>(work: () => Promise<T>) {
  let turns = 0;
  const timer = setInterval(() => turns++, 0);
  const outcome = await work().then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error }),
  );
  clearInterval(timer);
  return { turns, ...outcome };
}

describe("key derivation in imports: off the event loop, capped, one key", () => {
  it("refuses a 1 MiB file of repeated shrouded-key bags before deriving any key", async () => {
    const file = repeatedKeyBags(ssl.readBuffer("max.p12"));
    expect(file.length).toBeGreaterThan(MiB - 8192);
    const before = derivations();
    await expect(parsePkcs12({ der: file, password: PASS, field: "pkcs12Base64" })).rejects.toMatchObject({
      code: "VALIDATION",
      field: "pkcs12Base64",
      message: expect.stringMatching(/more than one private key/),
    });
    expect(derivations()).toBe(before);
  });

  it("derives a key at the iteration cap while the event loop keeps answering", async () => {
    const { turns, value, error } = await loopTurnsDuring(() =>
      parsePkcs12({ der: ssl.readBuffer("max.p12"), password: PASS }),
    );
    expect(error).toBeUndefined();
    expect(value?.certificate.subject.commonName).toBe("bounds.example");
    expect(turns).toBeGreaterThan(0);
  });

  it("refuses iterations above the cap, naming it, without deriving", async () => {
    const before = derivations();
    await expect(parsePkcs12({ der: ssl.readBuffer("over.p12"), password: PASS })).rejects.toMatchObject({
      code: "VALIDATION",
      message: expect.stringMatching(/1000001 key derivation iterations, more than the 1,000,000/),
    });
    await expect(
      parsePrivateKey({ text: ssl.read("over.enc8"), passphrase: PASS, field: "keyPem" }),
    ).rejects.toMatchObject({
      code: "VALIDATION",
      field: "keyPem",
      message: expect.stringMatching(/1,000,000/),
    });
    expect(derivations()).toBe(before);
  });
});
