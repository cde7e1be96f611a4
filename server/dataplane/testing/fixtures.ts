import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { encodePkcs11Value, SOFTHSM_PROVIDER } from "../hsm-access";

/** Test and benchmark helpers: real SoftHSM tokens, keys and certificates in temp folders. */

export interface TempRoot {
  dir: string;
  cleanup(): void;
}

/** A temp folder the unprivileged SE user may traverse (mkdtemp makes 0700). */
export function tempRoot(prefix = "dp-"): TempRoot {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o711);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestToken {
  conf: string;
  label: string;
  pin: string;
  /** Generates a key pair in the token and returns the private key's URI (no PIN). */
  generateKey(id: string, type: "EC:prime256v1" | "rsa:2048"): string;
  /** Self-signed certificate for a token key, made by openssl through the PKCS#11 engine. */
  selfSignedCertificate(keyUri: string, commonName: string): string;
}

export function createToken(root: string, label: string, pin = "1234"): TestToken {
  const dir = path.join(root, `softhsm-${label}`);
  mkdirSync(path.join(dir, "tokens"), { recursive: true });
  const conf = path.join(dir, "softhsm2.conf");
  writeFileSync(
    conf,
    `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  execFileSync(
    "softhsm2-util",
    ["--init-token", "--free", "--label", label, "--so-pin", "56785678", "--pin", pin],
    {
      env,
      stdio: "ignore",
    },
  );
  return {
    conf,
    label,
    pin,
    generateKey(id, type) {
      execFileSync(
        "pkcs11-tool",
        [
          ...["--module", SOFTHSM_PROVIDER, "--token-label", label, "--login", "--pin", pin, "--keypairgen"],
          ...["--key-type", type, "--id", id, "--label", `key-${id}`],
        ],
        { env, stdio: "ignore" },
      );
      const encodedId =
        id
          .match(/../g)
          ?.map((b) => `%${b}`)
          .join("") ?? "";
      return `pkcs11:token=${encodePkcs11Value(label)};id=${encodedId};type=private`;
    },
    selfSignedCertificate(keyUri, commonName) {
      const out = path.join(dir, `cert-${Date.now()}-${Math.random().toString(36).slice(2)}.pem`);
      execFileSync(
        "openssl",
        [
          "req",
          "-new",
          "-x509",
          "-engine",
          "pkcs11",
          "-keyform",
          "engine",
          "-key",
          `${keyUri};pin-value=${pin}`,
          "-subj",
          `/CN=${commonName}`,
          "-days",
          "30",
          "-out",
          out,
        ],
        { env, stdio: ["ignore", "ignore", "pipe"] },
      );
      return readFileSync(out, "utf8");
    },
  };
}

/** Random loopback VIP and high port so that parallel runs by other people never collide. */
export function randomVip(): string {
  return `127.0.${Math.floor(Math.random() * 250) + 1}.${100 + Math.floor(Math.random() * 150)}`;
}

export function randomPort(): number {
  return 20000 + Math.floor(Math.random() * 40000);
}

/** Every file under a folder that holds a PEM private key (must be none in an SE folder). */
export function filesWithPrivateKeys(dir: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && readFileSync(p).includes("PRIVATE KEY")) found.push(p);
    }
  };
  walk(dir);
  return found;
}
