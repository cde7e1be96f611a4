import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

/** What a request carries through services and PKCS#11 calls. */
export interface RequestContext {
  requestId: string;
}

/**
 * One store per process, on globalThis: scripts/serve.ts (esbuild bundle) opens the context and
 * Next's server bundle (its own copy of this module) reads it.
 */
const KEY = Symbol.for("hsm-console.observability.request-context");
type WithStore = typeof globalThis & { [KEY]?: AsyncLocalStorage<RequestContext> };

function store(): AsyncLocalStorage<RequestContext> {
  const g = globalThis as WithStore;
  g[KEY] ??= new AsyncLocalStorage<RequestContext>();
  return g[KEY];
}

/** A client-sent id is kept only if short and plain (it ends up in every log line). */
const SANE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The id of a request: the client's `x-request-id` when sane, else a new one. */
export function requestIdFrom(header: string | string[] | undefined | null): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given && SANE_ID.test(given) ? given : randomUUID();
}

export function runWithRequest<T>(context: RequestContext, fn: () => T): T {
  return store().run(context, fn);
}

/** The current request's id, or undefined outside a request (start-up, timers). */
export function currentRequestId(): string | undefined {
  return store().getStore()?.requestId;
}
