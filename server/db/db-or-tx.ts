import type { Db } from "./client";

/** A transaction handle: what `db.transaction(fn)` passes to `fn`. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];

/** Aggregate modules take either, so one query serves inside and outside a transaction. */
export type DbOrTx = Db | Tx;
