import { usage } from "../errors";
import { json } from "../format";
import type { Command } from "../registry";
import { objectNames, requireByName, resource, resourceNames } from "../resources";

export const remove: Command = {
  verb: "delete",
  usage: "delete <resource> NAME",
  summary: "delete an object (API tokens are revoked)",
  async run(args, session) {
    const { name, r } = resource(args[0]);
    const objectName = args[1];
    if (!objectName) throw usage(`Usage: delete ${name} NAME`);
    if (!r.remove) throw usage(`A ${name} cannot be deleted.`);
    const item = await requireByName(session, name, objectName);
    const result = await session.client().request("DELETE", `/api/${name}/${item.id}`);
    session.out(session.json ? json(result) : `Deleted ${name} ${objectName}`);
  },
  async complete(args, session) {
    if (args.length <= 1) return resourceNames();
    if (args.length === 2) return objectNames(session, args[0]!);
    return [];
  },
};
