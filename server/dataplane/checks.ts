import { X509Certificate } from "node:crypto";
import { AppError } from "@/lib/errors";
import { classifyKeyLoadFailure } from "./key-load-failure";
import { seLayout } from "./layout";
import { explainListenFailure, serviceThatCannotListen } from "./listen-failure";
import { nginxCommand } from "./nginx-command";
import { type RunAs, type RunResult, runCommand } from "./process";
import { engineKeyUri, p11KitServerAddress } from "./render-config";
import type { ServiceEngineSpec, VirtualServiceSpec } from "./types";

/** The environment of everything that runs for an SE: nothing of the console's own. */
export function seEnv(spec: ServiceEngineSpec): Record<string, string> {
  return {
    PATH: "/usr/sbin:/usr/bin:/sbin:/bin",
    OPENSSL_CONF: seLayout(spec.dataDir).opensslConf,
    P11_KIT_SERVER_ADDRESS: p11KitServerAddress(spec),
  };
}

function tail(text: string, lines = 6): string {
  return text.trim().split("\n").slice(-lines).join("\n");
}

/** A signal, or a shell-style 128+n exit (nginx -t exits 139 = SIGSEGV on a missing key). */
export function crashed(r: RunResult): boolean {
  return r.signal !== null || r.code === null || r.code >= 128;
}

export function outcome(r: RunResult): string {
  if (r.timedOut) return "timed out (the HSM did not answer)";
  if (r.signal) return `crashed (${r.signal})`;
  return `exit ${r.code}`;
}

/**
 * Loads each SSL key through the same engine, module and socket as nginx will (so the URI is read
 * exactly as nginx reads it) and compares its public key with the certificate's. This runs before
 * `nginx -t`, which segfaults (exit 139) on a missing key instead of saying so.
 */
export async function checkKey(
  spec: ServiceEngineSpec,
  vs: VirtualServiceSpec,
  runAs: RunAs | null,
  timeoutMs = 10_000,
): Promise<void> {
  if (!vs.keyUri || !vs.certificatePem) return;
  const r = await runCommand(
    "openssl",
    ["pkey", "-engine", "pkcs11", "-inform", "engine", "-in", engineKeyUri(spec, vs.keyUri), "-pubout"],
    { env: seEnv(spec), timeoutMs, runAs },
  );
  const details = { stage: "key", virtualService: vs.id, keyUri: vs.keyUri, result: outcome(r) };
  if (r.code !== 0 || crashed(r)) {
    const failure = classifyKeyLoadFailure(r);
    throw new AppError(
      "SE_CHECK_FAILED",
      `The key ${vs.keyUri} of virtual service ${vs.name} could not be loaded: ${failure.text} (${outcome(r)}).`,
      { field: "keyUri", details: { ...details, cause: failure.cause, output: tail(r.stderr) } },
    );
  }
  const expected = new X509Certificate(vs.certificatePem).publicKey.export({ type: "spki", format: "pem" });
  if (expected.toString().trim() !== r.stdout.trim())
    throw new AppError(
      "SE_CHECK_FAILED",
      `The certificate of virtual service ${vs.name} does not match the key ${vs.keyUri}.`,
      { field: "certificatePem", details },
    );
}

/** `nginx -t` on a config file; a crash or a hang is a failed check. */
export async function checkNginxConfig(
  spec: ServiceEngineSpec,
  confFile: string,
  runAs: RunAs | null,
  timeoutMs = 15_000,
): Promise<void> {
  const l = seLayout(spec.dataDir);
  const [file, args] = nginxCommand(["-t", "-q", "-p", l.root, "-c", confFile, "-e", l.errorLog], runAs);
  // setpriv (in the command) switches to the SE user, keeping the right to bind ports below 1024.
  const r = await runCommand(file, args, { env: seEnv(spec), timeoutMs, runAs: null });
  if (r.code === 0 && !crashed(r)) return;
  const hint = explainListenFailure(r.stderr, runAs);
  // A listener that cannot be opened is its virtual service's problem alone: name it.
  const { vs, address } = serviceThatCannotListen(spec, r.stderr) ?? {};
  throw new AppError(
    "SE_CHECK_FAILED",
    vs
      ? `Virtual service ${vs.name} cannot listen on ${address}.${hint ? ` ${hint}` : ""}`
      : `The nginx configuration of ${spec.name} failed its check: ${outcome(r)}.${hint ? ` ${hint}` : ""}`,
    {
      field: vs ? "ports" : undefined,
      details: {
        stage: "nginx",
        result: outcome(r),
        output: tail(r.stderr),
        ...(vs ? { virtualService: vs.id } : {}),
      },
    },
  );
}

/** Every check that must pass before a config may replace the running one. */
export async function checkCandidate(
  spec: ServiceEngineSpec,
  confFile: string,
  runAs: RunAs | null,
  timeoutMs?: number,
): Promise<void> {
  for (const vs of spec.virtualServices) {
    if (vs.ports.some((p) => p.ssl)) await checkKey(spec, vs, runAs, timeoutMs);
  }
  await checkNginxConfig(spec, confFile, runAs, timeoutMs);
}
