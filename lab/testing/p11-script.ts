import { createHash } from "node:crypto";
import * as pkcs11js from "pkcs11js";

/**
 * A tiny, independent PKCS#11 client for the lab tests, run as its own process (pkcs11js calls
 * are synchronous and would stall a connector running in the test process). It does what
 * pkcs11-tool cannot: generate a key pair with CKA_WRAP_WITH_TRUSTED, and read back attributes.
 *   P11_KIT_SERVER_ADDRESS=unix:path=… node --import tsx lab/testing/p11-script.ts '<json>'
 * Prints one JSON line.
 */
interface Request {
  op: "genkey" | "attrs" | "flags" | "sign" | "bench" | "session";
  /** Defaults to p11-kit-client.so; the benchmark also loads SoftHSM directly. */
  module?: string;
  count?: number;
  token: string;
  pin: string;
  idHex: string;
  type?: "EC" | "RSA";
  cloneable?: boolean;
  dataB64?: string;
}

const MODULE = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so";

function main(): unknown {
  const req = JSON.parse(process.argv[2] ?? "{}") as Request;
  const p11 = new pkcs11js.PKCS11();
  p11.load(req.module ?? MODULE);
  p11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
  try {
    const slot = p11.C_GetSlotList(true).find((s) => p11.C_GetTokenInfo(s).label.trim() === req.token);
    if (!slot) throw new Error(`token ${req.token} not visible`);
    const session = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION | pkcs11js.CKF_RW_SESSION);
    p11.C_Login(session, pkcs11js.CKU_USER, req.pin);
    const id = Buffer.from(req.idHex, "hex");
    if (req.op === "genkey") return genkey(p11, session, id, req);
    const key = find(p11, session, id);
    if (req.op === "attrs") {
      const a = p11.C_GetAttributeValue(session, key, [
        { type: pkcs11js.CKA_EXTRACTABLE },
        { type: pkcs11js.CKA_SENSITIVE },
        { type: pkcs11js.CKA_PRIVATE },
      ]);
      const [extractable, sensitive, priv] = a.map((x) => (x.value as Buffer)[0] === 1);
      return { extractable, sensitive, private: priv };
    }
    if (req.op === "flags") {
      // The six protection flags the console shows, read independently of it.
      const types = {
        sensitive: pkcs11js.CKA_SENSITIVE,
        alwaysSensitive: pkcs11js.CKA_ALWAYS_SENSITIVE,
        extractable: pkcs11js.CKA_EXTRACTABLE,
        neverExtractable: pkcs11js.CKA_NEVER_EXTRACTABLE,
        local: pkcs11js.CKA_LOCAL,
        wrapWithTrusted: pkcs11js.CKA_WRAP_WITH_TRUSTED,
      };
      const got = p11.C_GetAttributeValue(
        session,
        key,
        Object.values(types).map((type) => ({ type })),
      );
      return Object.fromEntries(
        Object.keys(types).map((k, i) => [k, Buffer.isBuffer(got[i]?.value) && got[i].value[0] === 1]),
      );
    }
    if (req.op === "bench") return bench(p11, session, key, req.count ?? 1000, req.type ?? "EC");
    const data = Buffer.from(req.dataB64 ?? "", "base64");
    const isEc = req.type === "EC";
    p11.C_SignInit(session, { mechanism: isEc ? pkcs11js.CKM_ECDSA : pkcs11js.CKM_SHA256_RSA_PKCS }, key);
    const input = isEc ? createHash("sha256").update(data).digest() : data;
    return { sigB64: p11.C_Sign(session, input, Buffer.alloc(1024)).toString("base64") };
  } finally {
    p11.C_Finalize();
  }
}

function genkey(p11: pkcs11js.PKCS11, session: Buffer, id: Buffer, req: Request): unknown {
  const isEc = req.type === "EC";
  const cloneable = req.cloneable === true;
  const pub: pkcs11js.Template = [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_ID, value: id },
    { type: pkcs11js.CKA_VERIFY, value: true },
    ...(isEc
      ? [{ type: pkcs11js.CKA_EC_PARAMS, value: Buffer.from("06082a8648ce3d030107", "hex") }]
      : [
          { type: pkcs11js.CKA_MODULUS_BITS, value: 2048 },
          { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
        ]),
  ];
  const priv: pkcs11js.Template = [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_ID, value: id },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SIGN, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    // The cloning contract: extractable, but only under a trusted (domain) key.
    { type: pkcs11js.CKA_EXTRACTABLE, value: cloneable },
    ...(cloneable ? [{ type: pkcs11js.CKA_WRAP_WITH_TRUSTED, value: true }] : []),
  ];
  const mech = { mechanism: isEc ? pkcs11js.CKM_EC_KEY_PAIR_GEN : pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN };
  p11.C_GenerateKeyPair(session, mech, pub, priv);
  return { ok: true };
}

/** Sequential signatures (ECDSA of a digest, or SHA256-RSA-PKCS): one nginx worker's handshakes. */
function bench(
  p11: pkcs11js.PKCS11,
  session: Buffer,
  key: Buffer,
  count: number,
  type: "EC" | "RSA",
): unknown {
  const input = type === "EC" ? createHash("sha256").update("bench").digest() : Buffer.from("bench");
  const mechanism = type === "EC" ? pkcs11js.CKM_ECDSA : pkcs11js.CKM_SHA256_RSA_PKCS;
  const out = Buffer.alloc(512);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    p11.C_SignInit(session, { mechanism }, key);
    p11.C_Sign(session, input, out);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { count, seconds, perSecond: Math.round(count / seconds) };
}

function find(p11: pkcs11js.PKCS11, session: Buffer, id: Buffer): Buffer {
  p11.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_ID, value: id },
  ]);
  const [key] = p11.C_FindObjects(session, 1);
  p11.C_FindObjectsFinal(session);
  if (!key) throw new Error(`no private key ${id.toString("hex")}`);
  return key;
}

/**
 * A long-lived client, as a service engine is: initialise once, then obey stdin lines —
 * "sign" (ECDSA with the key idHex), "reinit" (C_Finalize + C_Initialize + login, what a client
 * must do after its appliance restarted), "quit". One JSON answer line per command.
 */
async function session(req: Request): Promise<void> {
  const p11 = new pkcs11js.PKCS11();
  p11.load(req.module ?? MODULE);
  let s: Buffer | undefined;
  const open = () => {
    p11.C_Initialize({ flags: pkcs11js.CKF_OS_LOCKING_OK });
    const slot = p11.C_GetSlotList(true).find((x) => p11.C_GetTokenInfo(x).label.trim() === req.token);
    if (!slot) throw new Error(`token ${req.token} not visible`);
    s = p11.C_OpenSession(slot, pkcs11js.CKF_SERIAL_SESSION);
    p11.C_Login(s, pkcs11js.CKU_USER, req.pin);
  };
  const answer = (fn: () => unknown) => {
    try {
      process.stdout.write(`${JSON.stringify({ ok: true, ...(fn() as object) })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ ok: false, error: (error as Error).message })}\n`);
    }
  };
  answer(() => open());
  const readline = await import("node:readline");
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line === "quit") break;
    if (line === "reinit") {
      answer(() => {
        try {
          p11.C_Finalize();
        } catch {
          // the old connection is already gone
        }
        open();
      });
    } else if (line === "sign") {
      answer(() => {
        const key = find(p11, s!, Buffer.from(req.idHex, "hex"));
        p11.C_SignInit(s!, { mechanism: pkcs11js.CKM_ECDSA }, key);
        return { sigB64: p11.C_Sign(s!, Buffer.alloc(32, 1), Buffer.alloc(256)).toString("base64") };
      });
    }
  }
}

const request = JSON.parse(process.argv[2] ?? "{}") as Request;
if (request.op === "session") {
  session(request).then(() => process.exit(0));
} else {
  try {
    process.stdout.write(`${JSON.stringify(main())}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: (error as Error).message })}\n`);
    process.exitCode = 1;
  }
}
