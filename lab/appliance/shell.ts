import fs from "node:fs";
import path from "node:path";
import { AppError } from "@/lib/errors";
import type { Appliance } from "./appliance";
import { ApplianceError } from "./errors";
import { parseCommand } from "./shell-args";

/**
 * The admin shell (lunash). Every command answers like the appliance:
 *   'client register' successful.  /  Error: 'client register' failed. <why>
 * followed by "Command Result : N (…)", 0 on success.
 */
export interface ShellAnswer {
  output: string;
  result: number;
}

type Handler = (a: Appliance, o: Record<string, string>) => Promise<string> | string;

const COMMANDS: Record<string, Handler> = {
  "client register": (a, o) => {
    const name = need(o, "client");
    const file = o.file ?? `${name}.pem`;
    // Like scp to admin@hsm: a relative file name is looked up in the appliance's home folder.
    const certPath = path.isAbsolute(file) ? file : path.join(a.paths.home, file);
    let certPem: string;
    try {
      certPem = fs.readFileSync(certPath, "utf8");
    } catch {
      throw new ApplianceError("NOT_FOUND", `Certificate file ${file} not found (copy it with scp first).`);
    }
    a.registerClient({ name, ip: o.ip, hostname: o.hostname, certPem });
    return "";
  },
  "client assignpartition": (a, o) => {
    a.assignPartition(need(o, "client"), need(o, "partition"));
    return "";
  },
  "client revokepartition": (a, o) => {
    a.revokePartition(need(o, "client"), need(o, "partition"));
    return "";
  },
  "client deregister": (a, o) => {
    a.deregisterClient(need(o, "client"));
    return "";
  },
  "client delete": (a, o) => COMMANDS["client deregister"]!(a, o),
  "client list": (a) => {
    const clients = a.registry.list();
    if (clients.length === 0) return "No clients are registered.\n";
    return `${clients.map((c, i) => `registered client ${i + 1}: ${c.name}`).join("\n")}\n`;
  },
  "client show": (a, o) => {
    const c = a.registry.get(need(o, "client"));
    return table([
      ["ClientID", c.name],
      ["IPAddress", c.ip ?? ""],
      ["Hostname", c.hostname ?? ""],
      ["Fingerprint", c.fingerprint],
      ["Partitions", c.partitions.map((p) => `"${p}"`).join(", ")],
    ]);
  },
  "partition create": async (a, o) => {
    const p = await a.createPartition(need(o, "partition"), o.domain);
    return table([
      ["Partition Name", p.label],
      ["Partition SN", p.serial],
      ["Partition Password", p.password],
      ["Cloning Domain", p.cloningDomain],
    ]);
  },
  "partition list": (a) => {
    const rows = a.partitions
      .list()
      .map((p) => `${p.label.padEnd(20)} ${p.serial.padEnd(18)} ${p.cloningDomain}`);
    return `${"Partition Name".padEnd(20)} ${"Serial Number".padEnd(18)} Cloning Domain\n${rows.join("\n")}\n`;
  },
  "partition show": (a, o) => {
    const p = a.partitions.get(need(o, "partition"));
    const clients = a.registry.list().filter((c) => c.partitions.includes(p.label));
    return table([
      ["Partition Name", p.label],
      ["Partition SN", p.serial],
      ["Cloning Domain", p.cloningDomain],
      ["Assigned Clients", clients.map((c) => c.name).join(", ")],
    ]);
  },
  "hsm show": (a) =>
    table([
      ["Appliance", a.config.name],
      ["HSM Serial Number", a.config.hsmSerial],
      ["NTLS Address", `${a.config.host}:${a.config.ntlsPort}`],
      ["Server Certificate", a.paths.serverPem],
      ["Server Cert Fingerprint", a.serverFingerprint()],
      ["Partitions", String(a.partitions.list().length)],
    ]),
  "sysconf regencert": async (a) => {
    await a.regenCert();
    return `New server certificate generated. Fingerprint: ${a.serverFingerprint()}\nClients must fetch the new server.pem.\n`;
  },
};

export async function runShellLine(appliance: Appliance, line: string): Promise<ShellAnswer> {
  let words: string[];
  let options: Record<string, string>;
  try {
    ({ words, options } = parseCommand(line));
  } catch (error) {
    return fail("", (error as Error).message);
  }
  if (words.length === 0) return { output: "", result: 0 };
  const name = words.slice(0, 2).join(" ").toLowerCase();
  if (name === "help" || name.startsWith("help")) return { output: `${helpText()}\n`, result: 0 };
  const handler = COMMANDS[name];
  const display = words.slice(0, 2).join(" ");
  if (!handler) return fail(display, `Unknown command. Try "help".`);
  try {
    const output = await handler(appliance, options);
    const body = output ? `${output}\n` : "";
    return { output: `${body}'${display}' successful.\n\nCommand Result : 0 (Success)\n`, result: 0 };
  } catch (error) {
    return fail(
      display,
      error instanceof AppError ? error.message : `Internal error: ${(error as Error).message}`,
    );
  }
}

function fail(display: string, message: string): ShellAnswer {
  const head = display ? `Error: '${display}' failed. ` : "Error: ";
  return { output: `${head}${message}\n\nCommand Result : 65535 (Luna Shell execution)\n`, result: 65535 };
}

function need(o: Record<string, string>, key: string): string {
  const v = o[key];
  if (!v) throw new ApplianceError("VALIDATION", `Missing required option -${key}.`);
  return v;
}

function table(rows: Array<[string, string]>): string {
  return `${rows.map(([k, v]) => `${`${k}:`.padEnd(26)}${v}`).join("\n")}\n`;
}

export function helpText(): string {
  return [
    "client register -c NAME (-i IP | -h HOSTNAME) [-f CERTFILE]   (default file: NAME.pem in home)",
    "client assignPartition -c NAME -p PARTITION",
    "client revokePartition -c NAME -p PARTITION",
    "client deregister -c NAME",
    "client list | client show -c NAME",
    "partition create -p NAME [-domain DOMAINSECRET] | partition list | partition show -p NAME",
    "hsm show",
    "sysconf regenCert",
    "exit",
  ].join("\n");
}
