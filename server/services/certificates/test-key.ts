import { AppError } from "@/lib/errors";
import type { KeyFlags } from "@/lib/schemas/certificate";
import { loadCertificate } from "@/server/aggregates/certificates";
import { decryptSecret } from "@/server/crypto/secrets";
import type { Db } from "@/server/db";
import { openHsmGroup } from "@/server/hsm/hsm-access";
import { CLONEABLE_MEANING, type KeyInfo, testKey, toAppError } from "@/server/pkcs11";
import type { Actor } from "../actor";
import { softwareSigner } from "./key-material";

/** "Test key": sign fresh data with the key on every member that should hold it and verify it. */
export async function testCertificateKey(db: Db, actor: Actor, id: string) {
  const row = await loadCertificate(db, actor.tenantId, id);
  if (row.status === "creating" || row.status === "failed")
    throw new AppError("CONFLICT", `"${row.name}" has no usable key (${row.status}).`);
  const results: { member: string; ok: boolean; detail: string; signMs: number | null }[] = [];
  if (!row.hsmGroupId || !row.keyIdHex) {
    if (!row.keyEnc) throw new AppError("CONFLICT", `"${row.name}" has no key to test.`);
    const signer = softwareSigner(decryptSecret(row.keyEnc, "ssl_certificates.key"));
    const r = await testKey(signer, { label: "database" }, "00");
    results.push({ member: "console database", ok: r.ok, detail: describeResult(r), signMs: r.signMs });
    return { id: row.id, name: row.name, results };
  }
  const access = await openHsmGroup(db, actor.tenantId, row.hsmGroupId);
  for (const member of access.members) {
    try {
      const r = await member.client.testKey(member.token, row.keyIdHex);
      results.push({ member: member.name, ok: r.ok, detail: describeResult(r), signMs: r.signMs });
    } catch (error) {
      results.push({ member: member.name, ok: false, detail: toAppError(error).message, signMs: null });
    }
  }
  return { id: row.id, name: row.name, results };
}

function describeResult(r: { ok: boolean; algorithm: string; hash: string }): string {
  return r.ok
    ? `Signed with ${r.algorithm}/${r.hash} and verified with the public key.`
    : `The signature made with ${r.algorithm}/${r.hash} did not verify.`;
}

/**
 * Which members hold the key, and its protection flags as each member's token reports them. In an
 * HA group, a copy that is extractable under a trusted key on a member whose cloning-domain key
 * does not stop non-sensitive unwraps (measured) is shown cloneable.
 */
export async function keyHolders(db: Db, actor: Actor, id: string) {
  const row = await loadCertificate(db, actor.tenantId, id);
  const none = { members: [], cloneable: false, cloneableMeaning: CLONEABLE_MEANING };
  if (!row.hsmGroupId || !row.keyIdHex) return none;
  const access = await openHsmGroup(db, actor.tenantId, row.hsmGroupId);
  const custody = access.ha ? await access.ha.measureCustody().catch(() => []) : [];
  const members = await Promise.all(
    access.members.map(async (m) => {
      try {
        const [key] = await m.client.findKeys(m.token, { idHex: row.keyIdHex! });
        const flags = key ? flagsOf(key) : null;
        const weakToken = custody.some((c) => c.member === m.name && c.cloneable);
        return {
          member: m.name,
          holds: !!key,
          flags,
          cloneable: !!flags && weakToken && flags.extractable && flags.wrapWithTrusted,
          error: null,
        };
      } catch (error) {
        return {
          member: m.name,
          holds: null,
          flags: null,
          cloneable: false,
          error: toAppError(error).message,
        };
      }
    }),
  );
  return { members, cloneable: members.some((m) => m.cloneable), cloneableMeaning: CLONEABLE_MEANING };
}

function flagsOf(k: KeyInfo): KeyFlags {
  return {
    sensitive: k.sensitive,
    alwaysSensitive: k.alwaysSensitive,
    extractable: k.extractable,
    neverExtractable: k.neverExtractable,
    local: k.local,
    wrapWithTrusted: k.wrapWithTrusted,
  };
}
