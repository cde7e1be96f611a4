import { onPkcs11Event, type Pkcs11Event } from "@/server/pkcs11/observer";
import { metrics } from "./metrics";

const LOGIN_OUTCOMES: Record<string, string> = {
  HSM_PIN_INCORRECT: "pin_incorrect",
  HSM_PIN_LOCKED: "pin_locked",
};

/** PKCS#11 events as series. Group labels are HSM group ids ("" outside a group). */
export function recordPkcs11Event(event: Pkcs11Event): void {
  const m = metrics();
  const group = event.group ?? "";
  if (event.kind === "worker-start") {
    m.workerStarts.inc({ group, connection: event.connection, restart: String(event.restart) });
    return;
  }
  if (event.kind === "timeout") {
    m.pkcs11Timeouts.inc({ group, connection: event.connection, op: event.op });
    return;
  }
  const outcome = event.ok ? "ok" : "error";
  m.pkcs11Seconds.observe(
    { group, connection: event.connection, token: event.token ?? "", op: event.op, outcome },
    event.ms / 1000,
  );
  if (!event.ok) m.pkcs11Errors.inc({ group, op: event.op, code: event.code ?? "", ckr: event.ckr ?? "" });
  if (event.op === "login")
    m.hsmLogins.inc({ group, outcome: event.ok ? "ok" : (LOGIN_OUTCOMES[event.code ?? ""] ?? "error") });
}

const KEY = Symbol.for("hsm-console.observability.pkcs11-subscribed");
type WithFlag = typeof globalThis & { [KEY]?: () => void };

/** Subscribes once per process (Next's bundle and the server script may both ask). */
export function observePkcs11(): void {
  const g = globalThis as WithFlag;
  g[KEY] ??= onPkcs11Event(recordPkcs11Event);
}
