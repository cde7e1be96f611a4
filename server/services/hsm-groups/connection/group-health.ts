import { loadGroup } from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import { toAppError } from "@/server/pkcs11";
import type { Actor } from "../../actor";
import { recordProbe } from "../../hsm-health/sampler";
import { identityFor, membersOf, serverName } from "./group-members";

/** A health probe is one cheap token call; a slow HSM is reported as such, not waited for. */
const HEALTH_TIMEOUT_MS = 3_000;

/**
 * Each member's health as measured now (reachable, logged in, latency of C_GetTokenInfo, last
 * error). Never logs in: "logged in" tells whether the console's application access is open.
 */
export async function groupHealth(db: Db, actor: Actor, groupId: string) {
  const { group, servers } = await loadGroup(db, actor.tenantId, groupId);
  const unreachable = (server: (typeof servers)[number], error: unknown) => ({
    server: serverName(server),
    reachable: false,
    loggedIn: false,
    latencyMs: null,
    lastError: toAppError(error).message,
  });
  let members: Awaited<ReturnType<typeof membersOf>>;
  try {
    members = await membersOf(group, servers, await identityFor(db, group));
  } catch (error) {
    return { id: group.id, members: servers.map((s) => unreachable(s, error)) };
  }
  const results = await Promise.all(
    members.map(async (member, i) => {
      const server = servers[i]!;
      try {
        const h = await member.client.health(member.token, { timeoutMs: HEALTH_TIMEOUT_MS });
        recordProbe(server.id, h.reachable ? h.latencyMs : null);
        return {
          server: serverName(server),
          reachable: h.reachable,
          loggedIn: h.loggedIn,
          latencyMs: h.reachable ? Math.round(h.latencyMs * 10) / 10 : null,
          lastError: h.lastError ?? null,
        };
      } catch (error) {
        recordProbe(server.id, null);
        return unreachable(server, error);
      }
    }),
  );
  return { id: group.id, members: results };
}
