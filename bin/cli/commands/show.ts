import { detailTable, json, listTable } from "../format";
import type { Command } from "../registry";
import { list, objectNames, requireByName, resource, resourceNames } from "../resources";

/** `show <resource> [NAME] [--json]`: a table of every object, or one object's fields. */
export const show: Command = {
  verb: "show",
  usage: "show <resource> [NAME] [--json]",
  summary: "list objects, or show one object",
  async run(args, session) {
    const { name, r } = resource(args[0]);
    const objectName = args[1];
    if (objectName !== undefined) {
      const item = await requireByName(session, name, objectName);
      session.out(session.json ? json(item) : detailTable(item));
      return;
    }
    const { results } = await list(session, name);
    session.out(session.json ? json(results) : listTable(results, r.columns));
  },
  async complete(args, session) {
    if (args.length <= 1) return resourceNames();
    if (args.length === 2) return objectNames(session, args[0]!);
    return ["--json"];
  },
};
