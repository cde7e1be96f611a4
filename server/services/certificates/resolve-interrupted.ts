import { KEY_CHOICES, type KeyChoice } from "@/lib/schemas/certificate";
import {
  type CertificateRow,
  claimStaleCreation,
  creationsStaleSince,
  failCreating,
} from "@/server/aggregates/certificates";
import type { Db } from "@/server/db";
import { type HsmGroupAccess, openHsmGroup } from "@/server/hsm/hsm-access";
import { log } from "@/server/observability/logger";
import { toAppError } from "@/server/pkcs11";
import { writeAudit } from "../audit/write-audit";
import { VALIDITY_KEY } from "./create-certificate";
import { isInFlightHere } from "./creation-hooks";
import { activate, type FinishInput, keyInGroup } from "./finish-create";
import { destroyInGroup } from "./hsm-keys";
import { orphanGraceSeconds } from "./inventory";
import { keyIdHexFor, keyLabelFor, keySpecOf } from "./key-material";

export const INTERRUPTED_REASON = "Creation was interrupted; its partial key objects were removed.";

/**
 * A creation still "creating" after this long was interrupted (a crash, a killed worker). The
 * orphan grace period (configuration) sets it, capped at 10 minutes and never under 2 minutes:
 * another console node may still be working on a younger row (key generation gives up after
 * 3 × the operation timeout, replication and signing after one each), and only this node knows
 * its own creations are alive.
 */
export function creationDeadlineSeconds(): number {
  return Math.max(120, Math.min(orphanGraceSeconds(), 600));
}

export type Resolution = "finished" | "failed" | "skipped";

export interface ResolveReport {
  finished: string[];
  failed: string[];
  /** Left for a later pass: a member did not answer (nothing is decided on a partial view). */
  skipped: string[];
}

/**
 * Every creation older than its deadline is finished (key pair complete in every member and the
 * request known) or failed with its objects removed from every member. Safe on several console
 * nodes at once: each row is claimed by one conditional update before anything is done to it.
 */
export async function resolveInterruptedCreations(
  db: Db,
  options: { now?: number; deadlineSeconds?: number } = {},
): Promise<ResolveReport> {
  const now = options.now ?? Date.now();
  const cutoff = new Date(now - (options.deadlineSeconds ?? creationDeadlineSeconds()) * 1000);
  const stale = await creationsStaleSince(db, cutoff, 100);
  const report: ResolveReport = { finished: [], failed: [], skipped: [] };
  for (const row of stale) {
    // One node wins each row: the claim moves updated_at past the cutoff.
    if (isInFlightHere(row.id) || !(await claimStaleCreation(db, row.id, cutoff, new Date(now)))) continue;
    const outcome = await resolveOne(db, row).catch((error: unknown) => {
      log("reconciler").warn({
        certificate: row.name,
        err: toAppError(error).message,
        msg: "left for later",
      });
      return "skipped" as const;
    });
    report[outcome].push(row.id);
  }
  return report;
}

async function resolveOne(db: Db, row: CertificateRow): Promise<Resolution> {
  if (!row.hsmGroupId || row.type === "reference") return fail(db, row, []);
  const access = await openHsmGroup(db, row.tenantId, row.hsmGroupId);
  const idHex = row.keyIdHex ?? keyIdHexFor(row.id);
  const holders = await completeOn(access, idHex);
  const input = requestOf(row);
  if (holders.length === access.members.length && input) {
    try {
      const label = row.keyLabel ?? keyLabelFor(row.name);
      await activate(db, row, keyInGroup(access, idHex, label, holders), input);
      await audit(db, row, "finished", holders);
      return "finished";
    } catch (error) {
      log("reconciler").error({
        certificate: row.name,
        err: toAppError(error).message,
        msg: "could not be finished",
      });
    }
  }
  const unreachable = await destroyInGroup(access, idHex);
  if (unreachable.length > 0) return "skipped";
  return fail(
    db,
    row,
    access.members.map((m) => m.name),
  );
}

/** Members holding the whole pair; throws when a member cannot be listed (partial view). */
async function completeOn(access: HsmGroupAccess, idHex: string): Promise<string[]> {
  const holders: string[] = [];
  for (const member of access.members) {
    const [key] = await member.client.findKeys(member.token, { idHex });
    if (key?.hasPublicKey) holders.push(member.name);
  }
  return holders;
}

/** What the creation asked for, from the row; null when it cannot be finished (imports, old rows). */
function requestOf(row: CertificateRow): FinishInput | null {
  const dn = row.subject?.dn;
  const days = Number(row.subject?.[VALIDITY_KEY]);
  const choice = row.keyAlgorithm === "RSA" ? `RSA-${row.keyBits}` : `EC-${row.keyCurve}`;
  if (!dn || (row.type !== "self-signed" && row.type !== "csr")) return null;
  if ((row.type === "self-signed" && !(days > 0)) || !isKeyChoice(choice)) return null;
  return {
    spec: keySpecOf(choice),
    subject: dn,
    dnsNames: row.subjectAltNames?.dns ?? [],
    ipAddresses: row.subjectAltNames?.ip ?? [],
    days: days > 0 ? days : 365,
  };
}

function isKeyChoice(value: string): value is KeyChoice {
  return (KEY_CHOICES as readonly string[]).includes(value);
}

async function fail(db: Db, row: CertificateRow, cleanedOn: string[]): Promise<Resolution> {
  await failCreating(db, row.id, INTERRUPTED_REASON);
  await audit(db, row, "failed", cleanedOn);
  return "failed";
}

function audit(db: Db, row: CertificateRow, outcome: "finished" | "failed", members: string[]) {
  return writeAudit(db, {
    tenantId: row.tenantId,
    actorId: null,
    actorName: "reconciler",
    address: null,
    action: "certificates.resolveInterrupted",
    objectType: "certificate",
    objectId: row.id,
    objectName: row.name,
    outcome: "success",
    detail:
      outcome === "finished"
        ? { resolution: outcome, keyMembers: members }
        : { resolution: outcome, cleanedOn: members },
  });
}
