import { ConfigureMode } from "../configure-mode";
import { usage } from "../errors";
import { configurableFields } from "../fields";
import { fromGroup } from "../hsm-group/draft";
import { HsmGroupMode } from "../hsm-group/mode";
import { REFS } from "../refs";
import type { Command } from "../registry";
import { findByName, objectNames, resource, resourceNames } from "../resources";
import type { Mode, Session } from "../session";
import { fromVs, newVs, type SavedVs } from "../virtual-service/draft";
import { VirtualServiceMode } from "../virtual-service/mode";

/**
 * Objects whose Avi CLI form is nested (HSM group: hsm → sluna → server) or made of lists
 * (virtual service: services, pool_server) have a sub-mode of their own; the others use the
 * generic field/value mode built from the OpenAPI document.
 */
const DEDICATED: Record<string, (session: Session, name: string, id: string | null) => Promise<Mode>> = {
  async hardwaresecuritymodulegroup(session, name, id) {
    if (!id) return new HsmGroupMode({ name, servers: [], isHa: false, moduleEnv: {} }, null);
    return new HsmGroupMode(
      fromGroup(await session.client().get(`/api/hardwaresecuritymodulegroup/${id}`)),
      id,
    );
  },
  async virtualservice(session, name, id) {
    if (!id) return new VirtualServiceMode(newVs(name), null);
    return new VirtualServiceMode(
      fromVs(await session.client().get<SavedVs>(`/api/virtualservice/${id}`)),
      id,
    );
  },
};

/**
 * `configure <resource> NAME` enters a sub-mode; `configure <resource> NAME field value ...`
 * sets the fields and saves at once (Avi's one-line form).
 */
export const configure: Command = {
  verb: "configure",
  usage: "configure <resource> NAME [field value ...]",
  summary: "create or change an object (sub-mode: field value, save, exit, cancel, help)",
  async run(args, session) {
    const { name, r } = resource(args[0]);
    const objectName = args[1];
    if (!objectName) throw usage(`Usage: configure ${name} NAME`);
    if (!r.create && !r.update) throw usage(`A ${name} cannot be configured.`);
    const existing = await findByName(session, name, objectName);
    const dedicated = DEDICATED[name];
    if (dedicated) {
      const mode = await dedicated(session, objectName, existing ? String(existing.id) : null);
      // The one-line form runs the words as the sub-mode's first line, then saves.
      if (args.length > 2) {
        if (!(await mode.handle(args.slice(2), session))) throw usage(`Unknown word "${args[2]}".`);
        await mode.handle(["save"], session);
        session.mode = null;
        return;
      }
      session.mode = mode;
      return;
    }
    const fields = await configurableFields(session, name, existing === null);
    const mode = new ConfigureMode(name, objectName, existing, fields, REFS[name]);
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
