import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import { send } from "../transport";

/**
 * For the CLI's tests: the built console started the way a user starts it (scripts/start.sh,
 * no lab appliances) on a random port, an admin set up through HTTP, and `bin/hsm-console`
 * run as a child process in a home folder of its own. Starting a console is slow: one per file.
 */
const ROOT = path.resolve(import.meta.dirname, "../../..");
const PASSWORD = "cli-admin-password";

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// biome-ignore lint/suspicious/noExplicitAny: REST answers are checked field by field
export type Answer = { status: number; headers: Headers; json: any };

/** A CLI fed through a pipe, line by line, while the test reads its output. */
export interface Piped {
  send(line: string): void;
  /** Resolves with stdout once it matches; rejects if the CLI exits first. */
  waitFor(pattern: RegExp): Promise<string>;
  end(): Promise<Run>;
}

/** A fetch-like answer over the CLI's transport (node's fetch cannot be given a CA here). */
export interface Fetched {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field
  json(): any;
}

export interface TestConsole {
  base: string;
  /** The console's certificate file (its CA for clients) and its SHA-256 fingerprint. */
  caFile: string;
  fingerprint(): string;
  /** The certificate's PEM, as a client's CA. */
  fetchCa(): string;
  /** A request trusting the console's certificate. */
  fetch(
    apiPath: string,
    init?: { method?: string; headers?: Record<string, string>; body?: string },
  ): Promise<Fetched>;
  token: string;
  cookie: string;
  /** The CLI's home and working folder (where `download` writes). */
  home: string;
  log(): string;
  /** Every finished CLI run, for checks over all output (e.g. no secret ever printed). */
  runs: Run[];
  cli(args: string[], withCredentials?: boolean): Promise<Run>;
  piped(): Piped;
  api(method: string, apiPath: string, init?: { cookie?: string; body?: unknown }): Promise<Answer>;
  stop(): void;
}

export async function startConsole(): Promise<TestConsole> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const base = `https://127.0.0.1:${port}`;
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-cli-data-"));
  const caFile = path.join(data, "tls", "console.crt");
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-cli-home-"));
  let serverLog = "";
  const server: ChildProcess = spawn("bash", ["scripts/start.sh"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HSM_CONSOLE_DATA: data, LAB_APPLIANCES: "0" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true, // its own process group: stop() ends the server and its children
  });
  server.stdout?.on("data", (d) => (serverLog += d));
  server.stderr?.on("data", (d) => (serverLog += d));
  const stop = () => {
    if (server.pid && server.exitCode === null) process.kill(-server.pid, "SIGTERM");
    for (const dir of [data, home]) fs.rmSync(dir, { recursive: true, force: true });
  };

  const c: TestConsole = {
    base,
    caFile,
    fingerprint: () => new X509Certificate(fs.readFileSync(caFile)).fingerprint256,
    fetchCa: () => fs.readFileSync(caFile, "utf8"),
    fetch: (apiPath, init = {}) => fetchTrusted(new URL(apiPath, base), caFile, init),
    token: "",
    cookie: "",
    home,
    log: () => serverLog,
    runs: [],
    cli: (args, withCredentials = true) => collect(c, spawnCli(c, args, withCredentials, "ignore")),
    piped: () => pipe(c, spawnCli(c, [], true, "pipe")),
    async api(method, apiPath, init = {}) {
      const response = await c.fetch(apiPath, {
        method,
        headers: {
          ...(init.cookie ? { cookie: init.cookie, origin: base } : { authorization: `Bearer ${c.token}` }),
          ...(init.body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
      return { status: response.status, headers: response.headers, json: response.json() };
    },
    stop,
  };
  try {
    await waitForConsole(server, c, () => serverLog);
    const setupToken = fs.readFileSync(path.join(data, "setup-token"), "utf8").trim();
    const setup = await c.fetch("/api/trpc/auth.setup", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ setupToken, username: "admin", password: PASSWORD, confirmPassword: PASSWORD }),
    });
    expect(setup.status).toBe(200);
    c.cookie = setup.headers.get("set-cookie")!.split(";")[0]!;
    const created = await c.api("POST", "/api/apitoken", {
      cookie: c.cookie,
      body: { name: "cli", role: "admin", expiresInDays: 1 },
    });
    expect(created.status).toBe(201);
    c.token = created.json.secret;
  } catch (error) {
    stop();
    throw error;
  }
  return c;
}

async function waitForConsole(server: ChildProcess, c: TestConsole, log: () => string): Promise<void> {
  const deadline = Date.now() + 400_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`console exited:\n${log()}`);
    const ok =
      fs.existsSync(c.caFile) &&
      (await c.fetch("/login").then(
        // Before setup /login redirects to /setup: any answer of the app means it is up.
        (r) => r.status === 200 || r.status === 307,
        () => false,
      ));
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`console did not start:\n${log()}`);
}

async function fetchTrusted(
  url: URL,
  caFile: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<Fetched> {
  const answer = await send(
    url,
    { method: init.method ?? "GET", headers: init.headers ?? {}, ...(init.body ? { body: init.body } : {}) },
    { caFile },
  );
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    for (const v of Array.isArray(value) ? value : [value ?? ""]) headers.append(name, v);
  }
  const text = answer.body.toString("utf8");
  return { status: answer.status, headers, text, json: () => JSON.parse(text) };
}

function spawnCli(c: TestConsole, args: string[], withCredentials: boolean, stdin: "ignore" | "pipe") {
  const credentials = withCredentials ? ["--controller", c.base, "--token", c.token, "--ca", c.caFile] : [];
  return spawn(path.join(ROOT, "bin/hsm-console"), [...credentials, ...args], {
    cwd: c.home,
    env: {
      ...process.env,
      HOME: c.home,
      XDG_CONFIG_HOME: "",
      HSM_CONSOLE_TOKEN: "",
      HSM_CONSOLE_CA: "",
      HSM_CONSOLE_FINGERPRINT: "",
      HSM_CONSOLE_CONTROLLER: "",
    },
    stdio: [stdin, "pipe", "pipe"],
  });
}

function collect(c: TestConsole, child: ChildProcess): Promise<Run> {
  return new Promise((resolve) => {
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("close", (code) => {
      c.runs.push({ code, stdout, stderr });
      resolve({ code, stdout, stderr });
    });
  });
}

function pipe(c: TestConsole, child: ChildProcess): Piped {
  const done = collect(c, child);
  let stdout = "";
  child.stdout!.on("data", (d) => (stdout += d));
  return {
    send: (line) => child.stdin!.write(`${line}\n`),
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stdout)) return;
          child.stdout!.off("data", check);
          resolve(stdout);
        };
        child.stdout!.on("data", check);
        check();
        done.then((run) => reject(new Error(`CLI exited (${run.code}) before ${pattern}:\n${run.stderr}`)));
      }),
    end: () => {
      child.stdin!.end();
      return done;
    },
  };
}

/** A SafeNet client bundle as the console checks it (file names and versions; contents are not run). */
export function fakeSafenetTar(dir: string): string {
  const names = ["configurator", "libcryptoki", "vtl", "lunacmu", "cklog", "multitoken", "ckdemo", "lunacm"];
  const files = names.map((n) => `${n}-5.4.1-2.x86_64.rpm`);
  for (const f of files) fs.writeFileSync(path.join(dir, f), `fake ${f}`);
  const tar = path.join(dir, "safenet.tar");
  execFileSync("tar", ["-cf", tar, "-C", dir, ...files]);
  return tar;
}
