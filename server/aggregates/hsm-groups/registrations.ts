import { and, asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { hsmClientRegistrations, hsmServers } from "@/server/db/schema";
import type { RegistrationRow } from "./types";

/** The last checked registrations of these clients, on every server. */
export async function registrationsOf(db: DbOrTx, clientIds: string[]): Promise<RegistrationRow[]> {
  if (clientIds.length === 0) return [];
  return db.select().from(hsmClientRegistrations).where(inArray(hsmClientRegistrations.clientId, clientIds));
}

/** One client's registration state per server, in server order, with the server's address. */
export function registrationsByServer(db: DbOrTx, clientId: string) {
  return db
    .select({ status: hsmClientRegistrations.status, address: hsmServers.address })
    .from(hsmClientRegistrations)
    .innerJoin(hsmServers, eq(hsmServers.id, hsmClientRegistrations.serverId))
    .where(eq(hsmClientRegistrations.clientId, clientId))
    .orderBy(asc(hsmServers.position));
}

/** On how many servers the client is registered. */
export async function registeredCount(db: DbOrTx, clientId: string): Promise<number> {
  const rows = await db
    .select({ serverId: hsmClientRegistrations.serverId })
    .from(hsmClientRegistrations)
    .where(
      and(eq(hsmClientRegistrations.clientId, clientId), eq(hsmClientRegistrations.status, "registered")),
    );
  return rows.length;
}

/** Records the result of a check of one client on one server. */
export async function saveRegistration(
  db: DbOrTx,
  row: Pick<RegistrationRow, "clientId" | "serverId" | "status" | "detail" | "checkedAt">,
): Promise<void> {
  const { clientId, serverId, ...values } = row;
  await db
    .insert(hsmClientRegistrations)
    .values(row)
    .onConflictDoUpdate({
      target: [hsmClientRegistrations.clientId, hsmClientRegistrations.serverId],
      set: values,
    });
}
