import fs from "node:fs";
import net from "node:net";
import readline from "node:readline";
import type { Appliance } from "./appliance";
import { ApplianceError } from "./errors";
import { runShellLine } from "./shell";

/**
 * The appliance's local console port: the lunash CLI (like an SSH session to admin@hsm) and the
 * lab lifecycle talk to the running appliance over a unix socket in its 0700 folder, so the
 * appliance process is the only writer of its state. One JSON object per line each way:
 *   {"line": "client list"}                      -> {"output": "...", "result": 0}
 *   {"op": "initPartition", "label", "domainName", "domainKeyHex"} -> {"output", "result"}
 * initPartition is how the lab injects a freshly generated domain key: it travels only over this
 * socket, never through files, arguments or the environment.
 */
export function startControlSocket(appliance: Appliance, socketPath: string): Promise<net.Server> {
  try {
    fs.unlinkSync(socketPath);
  } catch {
    // absent
  }
  const server = net.createServer((socket) => {
    socket.setTimeout(30 * 60_000, () => socket.destroy());
    const rl = readline.createInterface({ input: socket });
    // One request at a time per connection: answers come back in order.
    let queue = Promise.resolve();
    rl.on("line", (text) => {
      queue = queue.then(async () => {
        const answer = await handle(appliance, text);
        if (!socket.destroyed) socket.write(`${JSON.stringify(answer)}\n`);
      });
    });
    socket.on("error", () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      fs.chmodSync(socketPath, 0o600);
      resolve(server);
    });
  });
}

async function handle(appliance: Appliance, text: string): Promise<{ output: string; result: number }> {
  let req: { line?: string; op?: string; label?: string; domainName?: string; domainKeyHex?: string };
  try {
    req = JSON.parse(text);
  } catch {
    return { output: "Error: malformed request\n", result: 65535 };
  }
  if (req.op === "initPartition") {
    try {
      const key = Buffer.from(req.domainKeyHex ?? "", "hex");
      if (!req.label || !req.domainName || key.length !== 32)
        throw new ApplianceError("VALIDATION", "bad initPartition");
      const p = await appliance.createPartitionInDomain(req.label, { name: req.domainName, key });
      return { output: `${p.label} ${p.serial}\n`, result: 0 };
    } catch (error) {
      return { output: `Error: ${(error as Error).message}\n`, result: 65535 };
    }
  }
  return runShellLine(appliance, req.line ?? "");
}
