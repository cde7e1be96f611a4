import { ConfigureMode } from "../configure-mode";
import { usage } from "../errors";
import { configurableFields } from "../fields";
import type { Command } from "../registry";
import { findByName, objectNames, resource, resourceNames } from "../resources";

/**
 * `configure <resource> NAME` enters a sub-mode; `configure <resource> NAME field value ...`
 * sets the fields and saves at once (Avi's one-line form).
 */
export const configure: Command = {
  verb: "configure",
  usage: "configure <resource> NAME [field value ...]",
  summary: "create or change an object (sub-mode: field value, save, cancel)",
  async run(args, session) {
    const { name, r } = resource(args[0]);
    const objectName = args[1];
    if (!objectName) throw usage(`Usage: configure ${name} NAME`);
    if (!r.create && !r.update) throw usage(`A ${name} cannot be configured.`);
    const existing = await findByName(session, name, objectName);
    const fields = await configurableFields(session, name, existing === null);
    const mode = new ConfigureMode(name, objectName, existing, fields);
    if (args.length > 2) {
      mode.apply(args.slice(2));
      await mode.save(session);
      return;
    }
    session.mode = mode;
  },
  async complete(args, session) {
    if (args.length <= 1) return resourceNames();
    if (args.length === 2) return objectNames(session, args[0]!);
    return [];
  },
};
