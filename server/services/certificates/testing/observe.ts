/** Test-only: what tests look at — a creation that has settled, the keys on the Local-SoftHSM token. */
import type { SessionUser } from "@/lib/schemas/auth";
import type { Db } from "@/server/db";
import { openHsmGroup } from "@/server/hsm/hsm-access";
import { callerFor } from "@/server/testing/callers";

/** Polls until the background creation has finished (status no longer "creating"). */
export async function settled(db: Db, user: SessionUser, id: string, timeoutMs = 30_000) {
  const { caller } = callerFor(db, user);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const cert = await caller.certificates.get({ id });
    if (cert.status !== "creating") return cert;
    if (Date.now() > deadline) throw new Error(`certificate ${id} still creating`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every key object on the Local-SoftHSM token. */
export async function tokenKeys(db: Db, tenantId: string, groupId: string) {
  const access = await openHsmGroup(db, tenantId, groupId);
  const m = access.members[0]!;
  return m.client.findKeys(m.token);
}
