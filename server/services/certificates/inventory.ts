import { eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { Inventory } from "@/lib/schemas/certificate";
import type { Db } from "@/server/db";
import { sslCertificates } from "@/server/db/schema";
import { type KeyInfo, toAppError } from "@/server/pkcs11";
import type { Actor } from "../actor";
import { type HsmGroupAccess, openHsmGroup } from "../hsm-groups/hsm-access";
import { destroyInGroup } from "./hsm-keys";
import { keyCreatedAt, LABEL_PREFIX } from "./key-material";
import type { CertificateRow } from "./load";

const DEFAULT_GRACE_SECONDS = 3600;

/** Orphans younger than this are left alone: their certificate may still be being created. */
export function orphanGraceSeconds(): number {
  const value = Number(process.env.HSM_CONSOLE_ORPHAN_GRACE_SECONDS);
  return Number.isFinite(value) && value >= 0 && process.env.HSM_CONSOLE_ORPHAN_GRACE_SECONDS !== ""
    ? value
    : DEFAULT_GRACE_SECONDS;
}

const LIVE = new Set(["active", "awaiting-certificate"]);

/**
 * The key objects on each member of the group matched to certificates. With any member
 * unreachable the view is partial: keys are listed but no verdict (orphan, missing) is given.
 */
export async function groupInventory(
  db: Db,
  actor: Actor,
  hsmGroupId: string,
  now = Date.now(),
): Promise<Inventory> {
  const access = await openHsmGroup(db, actor.tenantId, hsmGroupId);
  return inventoryOf(db, access, now);
}

async function inventoryOf(db: Db, access: HsmGroupAccess, now: number): Promise<Inventory> {
  const grace = orphanGraceSeconds();
  const unreachable: Inventory["unreachable"] = [];
  const holdings = new Map<string, { key: KeyInfo; members: string[] }>();
  for (const member of access.members) {
    try {
      for (const key of await member.client.findKeys(member.token)) {
        const entry = holdings.get(key.idHex) ?? { key, members: [] };
        entry.members.push(member.name);
        holdings.set(key.idHex, entry);
      }
    } catch (error) {
      unreachable.push({ member: member.name, error: toAppError(error).message });
    }
  }
  const complete = unreachable.length === 0;
  const memberNames = access.members.map((m) => m.name);
  const rows = await db.select().from(sslCertificates).where(eq(sslCertificates.hsmGroupId, access.group.id));
  const byKey = new Map(rows.filter((r) => r.keyIdHex).map((r) => [r.keyIdHex!, r]));
  const keys: Inventory["keys"] = [...holdings.entries()].map(([idHex, { key, members }]) => {
    const row = byKey.get(idHex);
    const kind = classify(key, row, now, grace);
    const age = ageSeconds(idHex, row, now);
    return {
      idHex,
      label: key.label,
      kind: complete || kind === "foreign" ? kind : "pending",
      certificateId: row?.id ?? null,
      certificateName: row?.name ?? null,
      members,
      missingOn: complete && kind === "certificate" ? memberNames.filter((n) => !members.includes(n)) : [],
      removable: complete && kind === "orphan" && age !== null && age >= grace,
    };
  });
  const missingKeys = complete
    ? rows
        .filter(
          (r) => LIVE.has(r.status) && r.keyIdHex && r.type !== "reference" && !holdings.has(r.keyIdHex),
        )
        .map((r) => ({ certificateId: r.id, name: r.name, missingOn: memberNames }))
    : [];
  return { complete, unreachable, keys, missingKeys, graceSeconds: grace };
}

function classify(key: KeyInfo, row: CertificateRow | undefined, now: number, grace: number) {
  if (row && LIVE.has(row.status)) return "certificate" as const;
  if (row?.type === "reference") return "foreign" as const;
  if (!key.label.startsWith(LABEL_PREFIX) && !row) return "foreign" as const;
  if (row?.status === "creating" && (now - row.createdAt.getTime()) / 1000 < grace) return "pending" as const;
  return "orphan" as const;
}

function ageSeconds(idHex: string, row: CertificateRow | undefined, now: number): number | null {
  const created = keyCreatedAt(idHex) ?? row?.createdAt ?? null;
  return created ? (now - created.getTime()) / 1000 : null;
}

/** Removes one orphan after re-checking it on a complete view; its interrupted row is marked failed. */
export async function removeOrphan(db: Db, actor: Actor, hsmGroupId: string, idHex: string) {
  const access = await openHsmGroup(db, actor.tenantId, hsmGroupId);
  const inventory = await inventoryOf(db, access, Date.now());
  if (!inventory.complete)
    throw new AppError(
      "CONFLICT",
      "Some members of the group did not answer: nothing is removed on a partial view.",
    );
  const key = inventory.keys.find((k) => k.idHex === idHex);
  if (!key?.removable) {
    throw new AppError(
      "CONFLICT",
      key?.kind === "orphan"
        ? `This orphan key is younger than the grace period (${inventory.graceSeconds} s). Try again later.`
        : "This key is not an orphan made by this console; it is left alone.",
      { field: "idHex" },
    );
  }
  const failed = await destroyInGroup(access, idHex);
  if (failed.length > 0)
    throw new AppError("HSM_UNAVAILABLE", `The key could not be removed from ${failed.join("; ")}.`);
  if (key.certificateId) {
    await db
      .update(sslCertificates)
      .set({
        status: "failed",
        failureReason: "Creation was interrupted; the reconciler removed its key.",
        updatedAt: new Date(),
      })
      .where(eq(sslCertificates.id, key.certificateId));
  }
  return { id: access.group.id, name: access.group.name, idHex, removedFrom: key.members };
}
