import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";

/**
 * The running lab's own console: `hsm-lab stop NAME` / `start NAME` from another terminal reach
 * the process that owns the appliances (npm start, or `hsm-lab start`), so a restarted appliance
 * is again that process's child (stopped with it, no orphan). A unix socket in the 0700 lab
 * folder, mode 0600; one JSON object per line each way, like the appliances' console sockets:
 *   {"op": "stop", "name": "hsm1", "signal": "SIGKILL"?}  {"op": "start", "name": "hsm1"}
 *   -> {"output": "...", "result": 0 | 1}
 */
export interface LabControl {
  stopAppliance(name: string, signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
  startAppliance(name: string): Promise<unknown>;
  names(): string[];
}

export function labSocketPath(dataDir: string): string {
  return path.join(dataDir, "lab", "lab.sock");
}

export async function startLabSocket(dataDir: string, lab: LabControl): Promise<net.Server> {
  const socketPath = labSocketPath(dataDir);
  fs.rmSync(socketPath, { force: true }); // a lab that died left it; refuseIfRunning guards live ones
  const server = net.createServer((socket) => {
    let queue = Promise.resolve();
    readline.createInterface({ input: socket }).on("line", (text) => {
      queue = queue.then(async () => {
        const answer = await handle(lab, text);
        if (!socket.destroyed) socket.write(`${JSON.stringify(answer)}\n`);
      });
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  fs.chmodSync(socketPath, 0o600);
  server.unref(); // the lab's appliances keep the owner alive, not this socket
  return server;
}

async function handle(lab: LabControl, text: string): Promise<{ output: string; result: number }> {
  let req: { op?: string; name?: string; signal?: string };
  try {
    req = JSON.parse(text);
  } catch {
    return { output: "malformed request\n", result: 1 };
  }
  const name = req.name ?? "";
  if (!lab.names().includes(name))
    return { output: `no appliance "${name}" in this lab (${lab.names().join(", ")})\n`, result: 1 };
  try {
    if (req.op === "stop") {
      await lab.stopAppliance(name, req.signal === "SIGKILL" ? "SIGKILL" : "SIGTERM");
      return { output: `${name}: stopped\n`, result: 0 };
    }
    if (req.op === "start") {
      await lab.startAppliance(name);
      return { output: `${name}: running\n`, result: 0 };
    }
    return { output: `unknown op ${req.op}\n`, result: 1 };
  } catch (error) {
    return { output: `${name}: ${(error as Error).message}\n`, result: 1 };
  }
}
