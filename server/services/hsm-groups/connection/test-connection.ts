import { isNetworkHsm } from "@/lib/hsm-types";
import type { CONNECTION_STAGES, StageResult, TestConnectionResult } from "@/lib/schemas/hsm-group-actions";
import type { Db } from "@/server/db";
import { type PinFlags, toAppError } from "@/server/pkcs11";
import type { Actor } from "@/server/services/actor";
import { consoleNode } from "@/server/hsm/console-node";
import {
  type ClientIdentity,
  forgetLogin,
  type HsmMember,
  loginOnce,
  memberFor,
} from "@/server/hsm/hsm-access";
import { ensureHealthCheckKey } from "./health-check-key";
import { type GroupRow, loadGroup, type ServerRow, updateServer } from "@/server/aggregates/hsm-groups";
import { identityFor, serverName } from "./group-members";
import { handshake, reach, type StageOutcome } from "./network-stages";

type Stage = (typeof CONNECTION_STAGES)[number];

/**
 * "Test connection" (the document's safenet.py / sautil / vtl checks as one button): for every
 * server, as seen from this console node, reach → handshake → C_Initialize → token present →
 * login → test sign, each timed; the first failure skips the rest. One C_Login per click.
 */
export async function testConnection(db: Db, actor: Actor, groupId: string): Promise<TestConnectionResult> {
  const { group, servers } = await loadGroup(db, actor.tenantId, groupId);
  let identity: ClientIdentity | null = null;
  let identityError: string | null = null;
  try {
    identity = await identityFor(db, group);
  } catch (error) {
    identityError = toAppError(error).message;
  }
  const results = [];
  for (const server of servers) {
    const stages = await testServer(db, group, server, identity, identityError);
    results.push({
      serverId: server.id,
      server: serverName(server),
      ok: stages.every((s) => s.status === "ok" || s.status === "not-applicable"),
      stages,
    });
  }
  return {
    id: group.id,
    name: group.name,
    node: consoleNode().name,
    ok: results.every((r) => r.ok),
    servers: results,
  };
}

async function testServer(
  db: Db,
  group: GroupRow,
  server: ServerRow,
  identity: ClientIdentity | null,
  identityError: string | null,
): Promise<StageResult[]> {
  const results: StageResult[] = [];
  let failed = false;
  let member: HsmMember | null = null;
  const run = async (stage: Stage, fn: () => Promise<StageOutcome>) => {
    if (failed)
      return void results.push({
        stage,
        status: "skipped",
        ms: null,
        detail: "Skipped: an earlier stage failed.",
      });
    const started = performance.now();
    let outcome: StageOutcome;
    try {
      outcome = await fn();
    } catch (error) {
      outcome = { ok: false, detail: explain(error) };
    }
    failed = !outcome.ok;
    const ms = Math.round((performance.now() - started) * 10) / 10;
    results.push({ stage, status: outcome.ok ? "ok" : "failed", ms, detail: outcome.detail });
  };
  const network = isNetworkHsm(group.type);
  if (network) {
    await run("reach", () => reach(server.address ?? "", server.port ?? 1792));
    await run("handshake", async () => {
      if (!identity) return { ok: false, detail: identityError ?? "This node has no client certificate." };
      return handshake(server, identity);
    });
  } else {
    for (const stage of ["reach", "handshake"] as const)
      results.push({
        stage,
        status: "not-applicable",
        ms: null,
        detail: "Local PKCS#11 module: no network.",
      });
  }
  let tokenSerial: string | null = null;
  await run("initialize", async () => {
    member = await memberFor(group, server, identity);
    const slots = await member.client.listSlots();
    const present = slots.filter((s) => s.token);
    tokenSerial = present.find((s) => s.token?.label === server.partition)?.token?.serial ?? null;
    return { ok: true, detail: `${slots.length} slot(s), ${present.length} with a token.` };
  });
  await run("token", async () => {
    if (!tokenSerial)
      return { ok: false, detail: `No token labelled "${server.partition}" is visible to this client.` };
    if (server.partitionSerial && server.partitionSerial !== tokenSerial) {
      return {
        ok: false,
        detail: `Token "${server.partition}" has serial ${tokenSerial}, but the group expects ${server.partitionSerial}.`,
      };
    }
    if (!server.partitionSerial) await updateServer(db, server.id, { partitionSerial: tokenSerial });
    return { ok: true, detail: `Partition "${server.partition}", serial ${tokenSerial}.` };
  });
  await run("login", async () => {
    const m = member as HsmMember;
    // An explicit test is the user's retry: forget an earlier refusal, then try exactly once.
    forgetLogin(m);
    await loginOnce(m);
    return { ok: true, detail: "Logged in with the partition password." };
  });
  await run("sign", async () => {
    const m = member as HsmMember;
    const { idHex, created } = await ensureHealthCheckKey(m);
    const test = await m.client.testKey(m.token, idHex);
    if (!test.ok) return { ok: false, detail: "The test signature did not verify." };
    return {
      ok: true,
      detail: `${test.algorithm} ${test.hash} signature verified (${created ? "health-check key generated" : "health-check key"}).`,
    };
  });
  return results;
}

function explain(error: unknown): string {
  const app = toAppError(error);
  const flags = app.details?.pinFlags as PinFlags | undefined;
  if (app.code !== "HSM_PIN_INCORRECT" || !flags) return app.message;
  const notes = [
    flags.userPinCountLow && "an earlier attempt failed too",
    flags.userPinFinalTry && "the next wrong password locks the partition",
    flags.userPinLocked && "the partition is locked",
  ].filter(Boolean);
  return `${app.message} (HSM_PIN_INCORRECT${notes.length ? `; ${notes.join("; ")}` : ""}). Correct the partition password in the HSM group; it is not retried automatically.`;
}
