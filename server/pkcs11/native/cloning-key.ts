/**
 * The security officer's cloning-domain key ceremony through the native helper
 * (`cloning-key.c`): pkcs11js cannot pass CKA_UNWRAP_TEMPLATE / CKA_WRAP_TEMPLATE. The SO PIN and
 * the key value go to the helper on stdin, never in its arguments or environment.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { AppError } from "../../../lib/errors";
import { toAppError } from "../errors";

const run = promisify(execFile);

export interface CloningKeyCeremony {
  libraryPath: string;
  /** The module's own environment (e.g. SOFTHSM2_CONF). */
  env?: Record<string, string>;
  token: string;
  soPin: string;
  label: string;
  /** AES-256 value, the same in every member of the group; zeroed here after use. */
  value: Buffer;
  /**
   * false = a domain key without the templates (what the pkcs11js ceremony used to make): only
   * to reproduce a token that does not enforce them.
   */
  templates?: boolean;
}

export interface DomainKeyTemplates {
  /** Attribute type (decimal) → value, as the token stores them; null = no template. */
  unwrapTemplate: Record<string, number> | null;
  wrapTemplate: Record<string, number> | null;
}

/**
 * `.native/hsm-cloning-key` under the project root (the working directory of `npm start`, tests
 * and the CLI, as for the worker entry), built by scripts/lib/native.sh or here when missing.
 */
export async function cloningKeyHelper(): Promise<string> {
  const root = process.cwd();
  const bin = path.join(root, ".native", "hsm-cloning-key");
  if (!existsSync(bin)) await run("bash", [path.join(root, "scripts/lib/native.sh")], { cwd: root });
  return bin;
}

export async function createCloningKey(c: CloningKeyCeremony): Promise<void> {
  const bin = await cloningKeyHelper();
  const args = ["create", "--module", c.libraryPath, "--token", c.token, "--label", c.label];
  args.push("--id", Buffer.from(c.label).toString("hex"));
  if (c.templates === false) args.push("--no-templates");
  const stdin = Buffer.from(`${c.soPin}\n${c.value.toString("hex")}\n`);
  c.value.fill(0);
  try {
    await helper(bin, args, c.env, stdin);
  } finally {
    stdin.fill(0);
  }
}

export async function readDomainKeyTemplates(c: {
  libraryPath: string;
  env?: Record<string, string>;
  token: string;
  label: string;
}): Promise<DomainKeyTemplates> {
  const bin = await cloningKeyHelper();
  const out = await helper(
    bin,
    ["show", "--module", c.libraryPath, "--token", c.token, "--label", c.label],
    c.env,
  );
  return { unwrapTemplate: out.unwrapTemplate ?? null, wrapTemplate: out.wrapTemplate ?? null };
}

/** The helper's one JSON line. */
interface HelperAnswer extends Partial<DomainKeyTemplates> {
  ok: boolean;
  call?: string;
  rv?: number;
  usage?: string;
}

function helper(
  bin: string,
  args: string[],
  env: Record<string, string> | undefined,
  stdin?: Buffer,
): Promise<HelperAnswer> {
  return new Promise((resolve, reject) => {
    const childEnv = { ...(env ?? {}) } as NodeJS.ProcessEnv;
    childEnv.PATH = process.env.PATH ?? "";
    const child = spawn(bin, args, { env: childEnv, stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", () => {
      try {
        const answer = JSON.parse(out.trim().split("\n").pop() ?? "{}") as HelperAnswer;
        if (answer.ok) return resolve(answer);
        if (answer.rv !== undefined) {
          // The numeric CKR through the layer's one table, as pkcs11js errors go.
          const ckr = Object.assign(new Error(`CKR_HELPER:${answer.rv}`), { code: answer.rv });
          return reject(toAppError(ckr, `Cloning-domain key (${answer.call})`));
        }
        reject(new AppError("VALIDATION", `Cloning-key helper: ${answer.usage ?? out}`));
      } catch {
        reject(new AppError("HSM_ERROR", `Cloning-key helper gave no answer: ${out.slice(0, 200)}`));
      }
    });
    child.stdin.end(stdin ?? "");
  });
}
