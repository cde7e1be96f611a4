import type { Client } from "pg";
import { HEARTBEAT_MS, MISSED_BEATS_DOWN } from "./liveness";
import { log } from "@/server/observability/logger";

/** A job that runs while this node holds its lock: start returns its stop. */
export interface SingletonJob {
  name: string;
  start(): () => void;
}

/** Advisory locks of singleton jobs: (this class id, hashtext(job name)). */
const LOCK_CLASS = 7_341_793;
const TRY_EVERY_MS = 5_000;
/** application_name of a node's lock connection, so that other nodes can find it. */
const APPLICATION = "hsm-console-singleton:";

/**
 * Runs each job on one node of the cluster at a time. The node holds a session-level PostgreSQL
 * advisory lock per job on a connection of its own; when the node dies its connection closes, the
 * lock is released, and the next node to try takes the job over. A host that vanished without
 * closing its connection (power lost: the server would wait for TCP keepalive) is fenced: once it
 * missed its heartbeats, the others end its lock connection. Without PostgreSQL (PGlite, one node)
 * the jobs simply run.
 */
export class SingletonRunner {
  readonly #running = new Map<string, () => void>();
  #client: Client | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  #trying: Promise<void> = Promise.resolve();

  constructor(
    readonly url: string | null,
    readonly node: string,
    readonly jobs: SingletonJob[],
    readonly tryEveryMs = TRY_EVERY_MS,
  ) {}

  start(): Promise<void> {
    if (!this.url) {
      for (const job of this.jobs) this.#run(job);
      return Promise.resolve();
    }
    this.#timer = setInterval(() => void this.tryNow(), this.tryEveryMs);
    this.#timer.unref();
    return this.tryNow();
  }

  /** The jobs this node runs now. */
  held(): string[] {
    return [...this.#running.keys()];
  }

  /** Takes every free lock now (also called by the timer). */
  tryNow(): Promise<void> {
    this.#trying = this.#trying
      .then(() => this.#tryLocks())
      .catch((error: Error) => {
        log("cluster").error(`singleton locks: ${error.message}`);
        this.#lost();
      });
    return this.#trying;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    await this.#trying;
    for (const stop of this.#running.values()) stop();
    this.#running.clear();
    const client = this.#client;
    this.#client = null;
    await client?.end().catch(() => undefined);
  }

  async #tryLocks(): Promise<void> {
    if (this.#stopped) return;
    const client = this.#client ?? (await this.#connect());
    if (this.jobs.some((job) => !this.#running.has(job.name))) await this.#fenceDownNodes(client);
    for (const job of this.jobs) {
      if (this.#running.has(job.name)) continue;
      const { rows } = await client.query<{ got: boolean }>(
        "select pg_try_advisory_lock($1, hashtext($2)) as got",
        [LOCK_CLASS, job.name],
      );
      if (rows[0]?.got) this.#run(job);
    }
  }

  /** Ends the lock connections of nodes that are down by their heartbeat (not those that stopped). */
  async #fenceDownNodes(client: Client): Promise<void> {
    await client.query(
      `select pg_terminate_backend(a.pid) from pg_stat_activity a
         join cluster_nodes n on a.application_name = $1 || n.name
        where a.datname = current_database() and n.name <> $2 and n.stopped_at is null
          and n.heartbeat_at < now() - make_interval(secs => $3)`,
      [APPLICATION, this.node, (HEARTBEAT_MS * MISSED_BEATS_DOWN) / 1000],
    );
  }

  async #connect(): Promise<Client> {
    const { Client } = await import("pg");
    const client = new Client({
      connectionString: this.url!,
      application_name: `${APPLICATION}${this.node}`,
    });
    client.on("error", () => this.#lost());
    await client.connect();
    this.#client = client;
    return client;
  }

  #run(job: SingletonJob): void {
    log("cluster").info(`this node runs "${job.name}"`);
    this.#running.set(job.name, job.start());
  }

  /** The connection (and with it every lock) is gone: stop the jobs; another node may take them. */
  #lost(): void {
    for (const [name, stop] of this.#running) {
      log("cluster").error(`lost the lock of "${name}": stopped here`);
      stop();
    }
    this.#running.clear();
    const client = this.#client;
    this.#client = null;
    void client?.end().catch(() => undefined);
  }
}
