import { usage } from "../errors";
import type { Command } from "../registry";
import { objectNames } from "../resources";
import { actionCommand } from "./action";

const RESOURCE = "hardwaresecuritymodulegroup";
const ACTIONS = ["listslots", "test", "openaccess", "closeaccess", "setupha", "synchronise", "hastatus"];

/**
 * `hsm listslots NAME`, `hsm openaccess NAME`, `hsm test NAME`…: the document's safenet.py, vtl
 * and sautil steps, as the HSM group's REST actions.
 */
export const hsm: Command = {
  verb: "hsm",
  usage: `hsm ${ACTIONS.join("|")} GROUP`,
  summary: "HSM group connection actions (list slots, test, open/close application access, HA)",
  async run(args, session) {
    const [action, ...rest] = args;
    if (!action || !ACTIONS.includes(action)) throw usage(`Usage: ${this.usage}`);
    await actionCommand(action).run([RESOURCE, ...rest], session);
  },
  async complete(args, session) {
    if (args.length <= 1) return ACTIONS;
    if (args.length === 2) return objectNames(session, RESOURCE);
    return [];
  },
};
