import { RESOURCES, type RestResource } from "../../../server/rest/resources";
import { usage } from "../errors";
import { detailTable, json } from "../format";
import type { Command } from "../registry";
import { objectNames, requireByName, resource } from "../resources";

const table = RESOURCES as Record<string, RestResource>;

/** Every action verb some resource declares (e.g. "revoke", later "reboot", "renew"). */
export function actionVerbs(): string[] {
  return [...new Set(Object.values(table).flatMap((r) => Object.keys(r.actions ?? {})))];
}

/**
 * `<verb> <resource> NAME [field value ...]` for a resource action declared in the REST table:
 * POST /api/<resource>/<uuid>/<verb>. Avi's `reboot serviceengine NAME` becomes a table entry.
 */
export function actionCommand(verb: string): Command {
  const resources = () => Object.keys(table).filter((name) => table[name]?.actions?.[verb]);
  return {
    verb,
    usage: `${verb} <resource> NAME`,
    summary: `${verb} an object (${resources().join(", ")})`,
    async run(args, session) {
      const { name, r } = resource(args[0]);
      if (!r.actions?.[verb]) {
        throw usage(`"${verb}" does not apply to ${name}; it applies to: ${resources().join(", ")}.`);
      }
      const objectName = args[1];
      if (!objectName) throw usage(`Usage: ${verb} ${name} NAME`);
      const pairs = args.slice(2);
      if (pairs.length % 2) throw usage("Give fields as pairs: field value.");
      const body = Object.fromEntries(
        Array.from({ length: pairs.length / 2 }, (_, i) => [pairs[2 * i]!, pairs[2 * i + 1]!]),
      );
      const item = await requireByName(session, name, objectName);
      const result = await session.client().request("POST", `/api/${name}/${item.id}/${verb}`, body);
      session.out(session.json ? json(result) : detailTable(result as Record<string, unknown>));
    },
    async complete(args, session) {
      if (args.length <= 1) return resources();
      if (args.length === 2) return objectNames(session, args[0]!);
      return [];
    },
  };
}
