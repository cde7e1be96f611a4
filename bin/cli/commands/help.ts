import { type Command, commands } from "../registry";
import { resourceNames } from "../resources";

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
        `Resources: ${resourceNames().join(", ")}`,
        "Add --json to any command for machine-readable output.",
      ].join("\n"),
    );
  },
};
