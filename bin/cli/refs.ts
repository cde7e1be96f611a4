import { CliError } from "./errors";
import { findByName, list, resource } from "./resources";
import type { Session } from "./session";

/** An Avi `*_ref` word: the CLI takes the object's name, the API its id. */
export interface RefSpec {
  /** The API field that holds the id. */
  field: string;
  /** The REST resource the name is looked up in. */
  resource: string;
}

/** `*_ref` words of the generic `configure` (the dedicated sub-modes declare their own). */
export const REFS: Record<string, Record<string, RefSpec>> = {
  serviceenginegroup: {
    hardwaresecuritymodulegroup_ref: { field: "hsmGroupId", resource: "hardwaresecuritymodulegroup" },
  },
};

/** The id of the object called `name`; unknown names are refused with the choices. */
export async function resolveRef(session: Session, word: string, spec: RefSpec, name: string) {
  const found = await findByName(session, spec.resource, name);
  if (found) return String(found.id);
  const { r } = resource(spec.resource);
  const { results } = await list(session, spec.resource);
  const choices = results.map((o) => String(o[r.nameField]));
  throw new CliError(
    `${word}: there is no ${spec.resource} named "${name}". Choices: ${choices.join(", ") || "(none)"}.`,
    1,
    "NOT_FOUND",
    spec.field,
  );
}
