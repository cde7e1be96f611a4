import { AppError } from "@/lib/errors";
import type { Inventory } from "@/lib/schemas/certificate";
import { env } from "@/server/config/env";
import { type CertificateRow, certificatesOfGroup, markFailed } from "@/server/aggregates/certificates";
import type { Db } from "@/server/db";
import { type HsmGroupAccess, openHsmGroup } from "@/server/hsm/hsm-access";
import { type ObjectClass, type TokenObject, toAppError } from "@/server/pkcs11";
import type { Actor } from "../actor";
import { destroyInGroup } from "./hsm-keys";
import { keyCreatedAt, LABEL_PREFIX } from "./key-material";

/** Orphans younger than this are left alone: their certificate may still be being created. */
export function orphanGraceSeconds(): number {
  return env().HSM_CONSOLE_ORPHAN_GRACE_SECONDS;
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

interface Holding {
  label: string;
  /** Members holding any object with this CKA_ID; those holding the private key. */
  members: string[];
  privateOn: string[];
  classes: Set<ObjectClass>;
}

async function inventoryOf(db: Db, access: HsmGroupAccess, now: number): Promise<Inventory> {
  const grace = orphanGraceSeconds();
  const unreachable: Inventory["unreachable"] = [];
  const holdings = new Map<string, Holding>();
  for (const member of access.members) {
    try {
      for (const object of await member.client.listObjects(member.token)) hold(holdings, member.name, object);
    } catch (error) {
      unreachable.push({ member: member.name, error: toAppError(error).message });
    }
  }
  const complete = unreachable.length === 0;
  const memberNames = access.members.map((m) => m.name);
  const rows = await certificatesOfGroup(db, access.group.id);
  const byKey = new Map(rows.filter((r) => r.keyIdHex).map((r) => [r.keyIdHex!, r]));
  // Every private key, and any other object the console may have made (its label prefix or a
  // certificate's CKA_ID): a lone public key left by a crash is an orphan like a whole pair.
  const seen = [...holdings.entries()].filter(
    ([idHex, h]) => h.classes.has("private-key") || h.label.startsWith(LABEL_PREFIX) || byKey.has(idHex),
  );
  const keys: Inventory["keys"] = seen.map(([idHex, h]) => {
    const row = byKey.get(idHex);
    const kind = classify(h.label, row, now, grace);
    const age = ageSeconds(idHex, row, now);
    return {
      idHex,
      label: h.label,
      kind: complete || kind === "foreign" ? kind : "pending",
      objects: [...h.classes].sort(),
      certificateId: row?.id ?? null,
      certificateName: row?.name ?? null,
      members: h.members,
      missingOn:
        complete && kind === "certificate" ? memberNames.filter((n) => !h.privateOn.includes(n)) : [],
      removable: complete && kind === "orphan" && age !== null && age >= grace,
    };
  });
  const missingKeys = complete
    ? rows
        .filter(
          (r) =>
            LIVE.has(r.status) &&
            r.keyIdHex &&
            r.type !== "reference" &&
            !holdings.get(r.keyIdHex)?.privateOn.length,
        )
        .map((r) => ({ certificateId: r.id, name: r.name, missingOn: memberNames }))
    : [];
  return { complete, unreachable, keys, missingKeys, graceSeconds: grace };
}

function hold(holdings: Map<string, Holding>, member: string, object: TokenObject): void {
  const h = holdings.get(object.idHex) ?? {
    label: object.label,
    members: [],
    privateOn: [],
    classes: new Set(),
  };
  if (!h.members.includes(member)) h.members.push(member);
  if (object.class === "private-key") {
    if (!h.privateOn.includes(member)) h.privateOn.push(member);
    // The private key's label names the pair (a lone public key keeps its own).
    h.label = object.label;
  }
  h.classes.add(object.class);
  holdings.set(object.idHex, h);
}

function classify(label: string, row: CertificateRow | undefined, now: number, grace: number) {
  if (row && LIVE.has(row.status)) return "certificate" as const;
  if (row?.type === "reference") return "foreign" as const;
  if (!label.startsWith(LABEL_PREFIX) && !row) return "foreign" as const;
  if (row?.status === "creating" && (now - row.createdAt.getTime()) / 1000 < grace) return "pending" as const;
  return "orphan" as const;
}

function ageSeconds(idHex: string, row: CertificateRow | undefined, now: number): number | null {
  const created = keyCreatedAt(idHex) ?? row?.createdAt ?? null;
  return created ? (now - created.getTime()) / 1000 : null;
}

/** Removes one orphan after re-checking it on a complete view; its interrupted row is marked failed. */
export async function removeOrphan(
  db: Db,
  actor: Actor,
  hsmGroupId: string,
  idHex: string,
  now = Date.now(),
) {
  const access = await openHsmGroup(db, actor.tenantId, hsmGroupId);
  const inventory = await inventoryOf(db, access, now);
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
    await markFailed(db, key.certificateId, "Creation was interrupted; the reconciler removed its key.");
  }
  return { id: access.group.id, name: access.group.name, idHex, removedFrom: key.members };
}
