import type { ListSlotsResult } from "@/lib/schemas/hsm-group-actions";
import type { Db } from "@/server/db";
import { toAppError } from "@/server/pkcs11";
import type { Actor } from "@/server/services/actor";
import { type ClientIdentity, memberFor } from "@/server/hsm/hsm-access";
import { loadGroup } from "@/server/aggregates/hsm-groups";
import { identityFor, serverName } from "./group-members";

/** `vtl listSlots` per server, as this console node sees it (no login needed). */
export async function listSlots(db: Db, actor: Actor, groupId: string): Promise<ListSlotsResult> {
  const { group, servers } = await loadGroup(db, actor.tenantId, groupId);
  let identity: ClientIdentity | null = null;
  let identityError: string | null = null;
  try {
    identity = await identityFor(db, group);
  } catch (error) {
    identityError = toAppError(error).message;
  }
  const rows = await Promise.all(
    servers.map(async (server) => {
      const base = { serverId: server.id, server: serverName(server) };
      if (identityError) return { ...base, error: identityError, slots: [] };
      try {
        const member = await memberFor(group, server, identity);
        const slots = await member.client.listSlots();
        return {
          ...base,
          error: null,
          slots: slots.map((s) => ({
            slot: s.slot,
            description: s.description,
            label: s.token?.label ?? null,
            serial: s.token?.serial ?? null,
            status: s.present && s.token ? ("Present" as const) : ("Not present" as const),
          })),
        };
      } catch (error) {
        return { ...base, error: toAppError(error).message, slots: [] };
      }
    }),
  );
  return { id: group.id, name: group.name, servers: rows };
}
