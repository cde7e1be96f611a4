import { KEY_CHOICES, type KeyChoice } from "@/lib/schemas/certificate";
import { groupChoices } from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { type HsmGroupAccess, openHsmGroup } from "@/server/hsm/hsm-access";
import { choiceOf } from "./key-material";

/** Key types every member of the group can generate (HA: the intersection). */
export async function keyChoicesFor(access: HsmGroupAccess): Promise<KeyChoice[]> {
  const perMember = await Promise.all(
    access.members.map(
      async (m) =>
        new Set((await m.client.keySpecs(m.token)).map(choiceOf).filter((c): c is KeyChoice => !!c)),
    ),
  );
  return KEY_CHOICES.filter((c) => perMember.every((set) => set.has(c)));
}

export async function keyOptions(
  db: Db,
  actor: Actor,
  hsmGroupId: string | undefined,
): Promise<{ keys: KeyChoice[] }> {
  if (!hsmGroupId) return { keys: [...KEY_CHOICES] };
  return { keys: await keyChoicesFor(await openHsmGroup(db, actor.tenantId, hsmGroupId)) };
}

/** The tenant's HSM groups, for the "HSM group" choice of the certificate forms. */
export async function hsmGroupChoices(db: Db, actor: Actor): Promise<{ id: string; name: string }[]> {
  const groups = await groupChoices(db, actor.tenantId);
  return groups.map(({ id, name }) => ({ id, name }));
}
