import { AppError, type AppErrorCode, ERROR_STATUS, isAppError } from "@/lib/errors";
import type { Db } from "@/server/db";
import { currentBus } from "./bus";
import { nodeState } from "./liveness";
import { nodeRow } from "./node-rows";
import { answerRequest, claimRequests, insertRequest, requestById } from "./request-rows";

/** A restart waits for nginx and the HSM: long, but never forever. */
export const REQUEST_TIMEOUT_MS = 120_000;
const POLL_MS = 150;
const LIVENESS_EVERY_MS = 2_000;

export interface Ask {
  kind: string;
  target: string;
  subjectId: string;
  /** For messages: "restart service engine se-2". */
  what: string;
  from: string;
}

/** Refuses at once when the target is down: never a success that did not happen. */
async function assertUp(db: Db, ask: Ask): Promise<void> {
  const row = await nodeRow(db, ask.target);
  const state = row ? nodeState(row) : "unknown";
  if (state === "up") return;
  const since = row ? ` (last heard from ${Math.round(row.secondsSinceBeat)} s ago)` : "";
  const how =
    state === "unknown"
      ? "has never registered with this cluster"
      : state === "stopped"
        ? `was stopped${since}`
        : `is down${since}`;
  throw new AppError(
    "CLUSTER_NODE_DOWN",
    `Could not ${ask.what}: console node "${ask.target}" hosts it and ${how}. Nothing was done; start that node and try again.`,
    { details: { node: ask.target, nodeState: state } },
  );
}

/**
 * Asks the node that hosts something to act on it and waits for that node's answer: its result,
 * or its error rethrown here. A target that is down, or that dies or stays silent meanwhile, is an
 * error; the request is then closed so that it cannot run later behind the caller's back.
 */
export async function askNode(
  db: Db,
  ask: Ask,
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Record<string, unknown>> {
  await assertUp(db, ask);
  const bus = currentBus();
  if (!bus)
    throw new AppError(
      "CLUSTER_NODE_DOWN",
      `Could not ${ask.what}: this node has no cluster bus (embedded PGlite is single-node).`,
    );
  const id = await insertRequest(db, {
    kind: ask.kind,
    targetNode: ask.target,
    subjectId: ask.subjectId,
    requestedBy: ask.from,
  });
  await bus.wake(ask.target);
  const deadline = Date.now() + timeoutMs;
  let nextLiveness = Date.now() + LIVENESS_EVERY_MS;
  for (;;) {
    const row = await requestById(db, id);
    if (row?.answeredAt) return outcome(row.ok ?? false, row.answer ?? {});
    if (Date.now() > deadline) {
      const closed = await answerRequest(db, id, false, { code: "CLUSTER_NODE_DOWN", message: "timed out" });
      if (!closed) continue; // answered meanwhile
      throw new AppError(
        "CLUSTER_NODE_DOWN",
        `Could not ${ask.what}: console node "${ask.target}" did not answer within ${Math.round(timeoutMs / 1000)} s. Check that node; its service engine's state shows what happened.`,
      );
    }
    if (Date.now() > nextLiveness) {
      nextLiveness = Date.now() + LIVENESS_EVERY_MS;
      try {
        await assertUp(db, ask);
      } catch (error) {
        if (await answerRequest(db, id, false, { code: "CLUSTER_NODE_DOWN", message: "node down" }))
          throw error;
      }
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

function outcome(ok: boolean, answer: Record<string, unknown>): Record<string, unknown> {
  if (ok) return answer;
  const code = String(answer.code ?? "INTERNAL");
  const known = (code in ERROR_STATUS ? code : "INTERNAL") as AppErrorCode;
  throw new AppError(known, String(answer.message ?? "The other console node failed without a reason."));
}

export type RequestHandler = (subjectId: string) => Promise<Record<string, unknown>>;

/** The target side: takes this node's waiting requests, runs each, writes the answer. */
export async function serveRequests(
  db: Db,
  node: string,
  handlers: Record<string, RequestHandler>,
  maxAgeMs = REQUEST_TIMEOUT_MS,
): Promise<void> {
  const claimed = await claimRequests(db, node, Math.ceil(maxAgeMs / 1000));
  await Promise.all(
    claimed.map(async (request) => {
      const handler = handlers[request.kind];
      try {
        if (!handler)
          throw new AppError("INTERNAL", `This node does not know the request "${request.kind}".`);
        await answerRequest(db, request.id, true, await handler(request.subjectId));
      } catch (error) {
        const answer = isAppError(error)
          ? { code: error.code, message: error.message }
          : { code: "INTERNAL", message: (error as Error).message };
        await answerRequest(db, request.id, false, answer);
      }
    }),
  );
}
