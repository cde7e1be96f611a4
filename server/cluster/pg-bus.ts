import { sql } from "drizzle-orm";
import type { Client } from "pg";
import type { Db } from "@/server/db";
import type { Change, ChangeKind, ClusterBus } from "./bus";
import { CHANNEL, changesSince, insertChange, lastChangeId } from "./change-rows";
import { log } from "@/server/observability/logger";

export interface BusHandlers {
  /** A change made on another node. */
  change(change: Change): Promise<void>;
  /** Requests may be waiting for this node. */
  requests(): Promise<void>;
}

/** A change may commit this long after a later id was read (see changesSince). */
const LATE_COMMIT_SECONDS = 30;
/** Safety net besides NOTIFY: a catch-up read this often even when nothing was heard. */
const POLL_MS = 5_000;
const RECONNECT_MS = 1_000;

/**
 * The PostgreSQL bus: one LISTEN connection per node; NOTIFY wakes it, the changes table says
 * what happened. Every (re)connect and every poll reads all changes after the last one applied,
 * so a node that lost its connection (or was stopped) misses nothing. Changes are applied in
 * order, one at a time; a change that fails to apply is logged and the next ones still run.
 */
export class PgBus implements ClusterBus {
  #client: Client | null = null;
  #lastId = 0;
  readonly #applied = new Map<number, number>();
  #queue: Promise<unknown> = Promise.resolve();
  #poll: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(
    readonly db: Db,
    readonly url: string,
    readonly node: string,
    readonly handlers: BusHandlers,
  ) {}

  /** Changes made before this start are in the configuration the node just loaded. */
  async start(fromId?: number): Promise<void> {
    this.#lastId = fromId ?? (await lastChangeId(this.db));
    // Those already visible at the start position are in the configuration too: not again.
    for (const change of await changesSince(this.db, this.#lastId, LATE_COMMIT_SECONDS))
      if (change.id <= this.#lastId) this.#applied.set(change.id, Date.now());
    await this.#connect();
    this.#poll = setInterval(() => {
      void this.catchUp();
      void this.#requests();
    }, POLL_MS);
    this.#poll.unref();
  }

  async publish(kind: ChangeKind, subjectId: string): Promise<void> {
    await insertChange(this.db, kind, subjectId, this.node);
  }

  async wake(target: string): Promise<void> {
    await this.db.execute(sql`select pg_notify(${CHANNEL}, ${`r:${target}`})`);
  }

  /** Applies every change not applied yet (serialised: notifications and polls never overlap). */
  catchUp(): Promise<void> {
    const run = this.#queue.then(() => this.#applyPending());
    this.#queue = run.catch((error) => log("cluster").error(`catch-up failed: ${error.message}`));
    return run;
  }

  /** The id of the last change applied (tests). */
  get lastId(): number {
    return this.#lastId;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#poll) clearInterval(this.#poll);
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
    await this.#queue;
  }

  async #applyPending(): Promise<void> {
    const changes = await changesSince(this.db, this.#lastId, LATE_COMMIT_SECONDS);
    const now = Date.now();
    for (const [id, at] of this.#applied) if (now - at > LATE_COMMIT_SECONDS * 2000) this.#applied.delete(id);
    for (const change of changes) {
      if (this.#applied.has(change.id)) continue;
      this.#applied.set(change.id, now);
      this.#lastId = Math.max(this.#lastId, change.id);
      if (change.originNode === this.node) continue;
      await this.handlers
        .change(change)
        .catch((error: Error) =>
          log("cluster").error(`change ${change.kind} ${change.subjectId} not applied: ${error.message}`),
        );
    }
  }

  async #connect(): Promise<void> {
    const { Client } = await import("pg");
    const client = new Client({ connectionString: this.url });
    client.on("notification", (msg) => {
      if (msg.payload?.startsWith("c:")) void this.catchUp();
      else if (msg.payload === `r:${this.node}`) void this.#requests();
    });
    const lost = () => {
      if (this.#client !== client || this.#stopped) return;
      this.#client = null;
      log("cluster").error("LISTEN connection lost: reconnecting");
      void client.end().catch(() => undefined);
      setTimeout(() => void this.#reconnect(), RECONNECT_MS).unref();
    };
    client.on("error", lost);
    client.on("end", lost);
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.#client = client;
    // What happened while not listening.
    await this.catchUp();
    await this.#requests();
  }

  async #reconnect(): Promise<void> {
    while (!this.#stopped && !this.#client) {
      try {
        await this.#connect();
        log("cluster").info("LISTEN connection back; caught up");
      } catch {
        await new Promise((r) => setTimeout(r, RECONNECT_MS));
      }
    }
  }

  #requests(): Promise<void> {
    return this.handlers.requests().catch((error: Error) => {
      log("cluster").error(`requests not served: ${error.message}`);
    });
  }
}
