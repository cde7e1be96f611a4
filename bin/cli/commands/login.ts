import { saveConfig } from "../config";
import { usage } from "../errors";
import type { Command } from "../registry";

/** `login --controller URL --token T` (the flags are read by main): checks, then saves 0600. */
export const login: Command = {
  verb: "login",
  usage: "login --controller URL --token TOKEN",
  summary: "check a controller and token, and save them in ~/.config/hsm-console/config.json",
  async run(args, session) {
    if (args.length) throw usage("Usage: hsm-console login --controller URL --token TOKEN");
    // Any authenticated read proves the pair works; every role may list its own tokens.
    await session.client().get("/api/apitoken");
    const file = saveConfig({ controller: session.connection.controller, token: session.connection.token });
    session.out(`Logged in to ${session.connection.controller}; saved to ${file}`);
  },
};
