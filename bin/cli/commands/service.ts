import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CliError, usage } from "../errors";
import { json } from "../format";
import { projectRoot } from "../install/project-root";
import { renderSystemdUnit } from "../install/systemd-unit";
import type { Command } from "../registry";
import { parseFlags } from "./flags";

const USAGE = "service install [--user USER] [--data DIR] [--env-file FILE] [--unit-dir DIR] [--print]";
const UNIT_NAME = "hsm-console.service";

/**
 * `service install`: writes the systemd unit that runs the console (see install/systemd-unit.ts)
 * on this host. It enables nothing by itself: it prints the systemctl commands to run.
 */
export const service: Command = {
  verb: "service",
  usage: USAGE,
  summary: "write the systemd unit that runs the console on this host (--print shows it only)",
  async run(args, session) {
    const { positional, values, switches } = parseFlags(
      args,
      { values: ["--user", "--data", "--env-file", "--unit-dir"], switches: ["--print"] },
      USAGE,
    );
    if (positional.length !== 1 || positional[0] !== "install") throw usage(`Usage: ${USAGE}`);
    const root = projectRoot();
    const user = values["--user"] ?? os.userInfo().username;
    if (!/^[a-z_][a-z0-9_-]*\$?$/i.test(user)) throw usage(`--user ${user} is not a user name.`);
    const unit = renderSystemdUnit({
      root,
      user,
      dataDir: path.resolve(values["--data"] ?? path.join(root, "data")),
      envFile: path.resolve(values["--env-file"] ?? "/etc/hsm-console/env"),
      nodePath: process.execPath,
    });
    if (switches.has("--print")) return session.out(unit);
    const file = path.join(path.resolve(values["--unit-dir"] ?? "/etc/systemd/system"), UNIT_NAME);
    try {
      fs.writeFileSync(file, unit, { mode: 0o644 });
    } catch (error) {
      throw new CliError(
        `Cannot write ${file}: ${(error as Error).message}. Run as root, or pass --unit-dir.`,
      );
    }
    session.out(
      session.json
        ? json({ file, user })
        : `Wrote ${file}.\nThen: systemctl daemon-reload && systemctl enable --now ${UNIT_NAME}\nLogs: journalctl -u ${UNIT_NAME}`,
    );
  },
};
