import { spawn } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { run, type RunResult } from "./run";

/**
 * Independent PKCS#11 clients for the lab's tests, each in its own process and through
 * p11-kit-client.so: OpenSC pkcs11-tool, and p11-script.ts (pkcs11js) for what pkcs11-tool cannot do.
 */
export const P11_KIT_CLIENT = "/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so";

export function pkcs11Tool(socketPath: string, args: string[]): Promise<RunResult> {
  return run("pkcs11-tool", ["--module", P11_KIT_CLIENT, ...args], {
    P11_KIT_SERVER_ADDRESS: `unix:path=${socketPath}`,
  });
}

/** Token labels a PKCS#11 client sees through a connector (pkcs11-tool -L). */
export async function visibleTokens(
  socketPath: string,
): Promise<{ ok: boolean; labels: string[]; out: string; timedOut: boolean }> {
  const r = await pkcs11Tool(socketPath, ["-L"]);
  const labels = [...r.stdout.matchAll(/token label\s*:\s*(\S+)/g)].map((m) => m[1] ?? "");
  return { ok: r.code === 0, labels, out: r.stdout + r.stderr, timedOut: r.timedOut };
}

/** An independent PKCS#11 client for the lab tests; pkcs11js in its own process, apart from the console. */
const P11_SCRIPT = path.join(__dirname, "p11-script.ts");

/** Runs lab/testing/p11-script.ts (pkcs11js through p11-kit-client.so) in its own process. */
export async function p11Script(
  socketPath: string,
  req: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const r = await run(process.execPath, ["--import", "tsx", P11_SCRIPT, JSON.stringify(req)], {
    P11_KIT_SERVER_ADDRESS: `unix:path=${socketPath}`,
  });
  const out = JSON.parse(r.stdout.trim().split("\n").pop() || "{}") as Record<string, unknown>;
  if (r.code !== 0 || out.error)
    throw new Error(`p11-script ${String(req.op)}: ${String(out.error ?? r.stderr)}`);
  return out;
}

/** A long-lived PKCS#11 client (p11-script.ts "session"): send a command, read its JSON answer. */
export interface P11Session {
  send(command: "sign" | "reinit"): Promise<{ ok: boolean; error?: string }>;
  close(): Promise<void>;
}

export async function p11Session(socketPath: string, req: Record<string, unknown>): Promise<P11Session> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", P11_SCRIPT, JSON.stringify({ ...req, op: "session" })],
    {
      env: { ...process.env, P11_KIT_SERVER_ADDRESS: `unix:path=${socketPath}` },
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = readline.createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const r = await lines.next();
    if (r.done) throw new Error("p11 session ended");
    return JSON.parse(r.value) as { ok: boolean; error?: string };
  };
  const opened = await next();
  if (!opened.ok) throw new Error(`p11 session: ${opened.error}`);
  return {
    async send(command) {
      child.stdin!.write(`${command}\n`);
      return next();
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.stdin!.end("quit\n");
      }),
  };
}
