import { AppError } from "@/lib/errors";
import {
  deleteCertificateRow,
  keySharedWithAnother,
  loadCertificate,
} from "@/server/aggregates/certificates";
import { virtualServicesUsingCertificates } from "@/server/aggregates/virtual-services";
import type { Db } from "@/server/db";
import { openHsmGroup } from "@/server/hsm/hsm-access";
import type { Actor } from "../actor";
import { destroyInGroup } from "./hsm-keys";
import { orphanGraceSeconds } from "./inventory";
import { keyIdHexFor } from "./key-material";

/**
 * Refused while a virtual service uses the certificate. The HSM objects are destroyed on every
 * member first (unless a referencing certificate still uses the key); the row goes only when every member confirmed (otherwise the key would be
 * orphaned with nothing pointing at it).
 */
export async function deleteCertificate(db: Db, actor: Actor, id: string) {
  const row = await loadCertificate(db, actor.tenantId, id);
  const users = (await virtualServicesUsingCertificates(db, [row.id])).get(row.id) ?? [];
  if (users.length > 0) {
    throw new AppError(
      "CONFLICT",
      `"${row.name}" is used by virtual service ${users.map((u) => `"${u.name}"`).join(", ")}. Choose another certificate there first.`,
    );
  }
  const ageSeconds = (Date.now() - row.createdAt.getTime()) / 1000;
  if (row.status === "creating" && ageSeconds < orphanGraceSeconds()) {
    throw new AppError(
      "CONFLICT",
      `"${row.name}" is still being created. Wait for it to finish, then delete it.`,
    );
  }
  let destroyedOn: string[] = [];
  // Another certificate (a reference) using the same key keeps the key in the HSM.
  if (
    row.hsmGroupId &&
    row.keyIdHex &&
    row.type !== "reference" &&
    !(await keySharedWithAnother(db, { id: row.id, hsmGroupId: row.hsmGroupId, keyIdHex: row.keyIdHex }))
  ) {
    const access = await openHsmGroup(db, actor.tenantId, row.hsmGroupId);
    const failed = await destroyInGroup(access, row.keyIdHex ?? keyIdHexFor(row.id));
    if (failed.length > 0) {
      throw new AppError(
        "HSM_UNAVAILABLE",
        `The key could not be removed from ${failed.join("; ")}. The certificate is kept; try again when every member answers.`,
      );
    }
    destroyedOn = access.members.map((m) => m.name);
  }
  await deleteCertificateRow(db, row.id);
  return { id: row.id, name: row.name, destroyedOn };
}
