import { HSM_GROUP_HELP } from "../hsm-group/mode";
import { REFS } from "../refs";
import { type Command, commands } from "../registry";
import { resourceNames } from "../resources";
import { VIRTUAL_SERVICE_HELP } from "../virtual-service/mode";

export const help: Command = {
  verb: "help",
  usage: "help",
  summary: "this list",
  async run(_args, session) {
    const lines = commands().map((c) => `  ${c.usage.padEnd(48)} ${c.summary}`);
    session.out(
      [
        "Commands:",
        ...lines,
        "  exit | quit",
        "",
        "Sub-modes (in each: save, exit, cancel, show, help):",
        ...HSM_GROUP_HELP.map((l) => `  ${l}`),
        ...VIRTUAL_SERVICE_HELP.map((l) => `  ${l}`),
        ...Object.entries(REFS).map(
          ([name, refs]) => `  configure ${name} NAME ${Object.keys(refs).join(" ")} NAME`,
        ),
        "",
        `Resources: ${resourceNames().join(", ")}`,
        "Add --json to any command for machine-readable output.",
      ].join("\n"),
    );
  },
};
