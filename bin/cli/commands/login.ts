import { saveConfig } from "../config";
import { usage } from "../errors";
import type { Command } from "../registry";
import { normalise } from "../transport";

/** `login --controller URL --token T` (the flags are read by main): checks, then saves 0600. */
export const login: Command = {
  verb: "login",
  usage: "login --controller URL --token TOKEN [--fingerprint SHA256 | --ca FILE]",
  summary:
    "check a controller, token and certificate trust, and save them in ~/.config/hsm-console/config.json",
  async run(args, session) {
    if (args.length) {
      throw usage(
        "Usage: hsm-console login --controller URL --token TOKEN [--fingerprint SHA256 | --ca FILE]",
      );
    }
    // Any authenticated read proves the pair works; every role may list its own tokens.
    await session.client().get("/api/apitoken");
    const { controller, token, ca, fingerprint } = session.connection;
    const file = saveConfig({
      controller,
      token,
      ...(fingerprint ? { fingerprint: normalise(fingerprint) } : {}),
      ...(ca ? { ca } : {}),
    });
    session.out(`Logged in to ${session.connection.controller}; saved to ${file}`);
  },
};
