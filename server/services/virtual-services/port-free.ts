import path from "node:path";
import { AppError } from "@/lib/errors";
import { dataDir } from "@/server/config/env";
import { portHolder } from "@/server/dataplane";

/**
 * A VIP:port that another program already listens on would make the SE's nginx fail on it, so it
 * is refused at save, naming the program when the system tells it (the console's own port too).
 * This console's own SEs are not "another program": a VS already served keeps its ports, and two
 * VSs on one VIP:port are refused by the collision rule.
 */
export function assertPortsFree(vip: string, ports: { port: number }[]): void {
  const ourSes = path.join(dataDir(), "service-engines");
  for (const { port } of ports) {
    const holder = portHolder(vip, port);
    if (!holder || holder.commandLine.includes(ourSes)) continue;
    const who =
      holder.pid === process.pid
        ? `this console itself (${holder.program ?? "node"}, pid ${holder.pid})`
        : holder.pid
          ? `another program (${holder.program ?? "unknown"}, pid ${holder.pid})`
          : "another program (the system does not say which)";
    throw new AppError(
      "VALIDATION",
      `${vip}:${port} is already in use by ${who}. Choose another VIP or port, or stop that program.`,
      { field: "ports" },
    );
  }
}
