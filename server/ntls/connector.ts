import fs from "node:fs";
import net from "node:net";
import type { Readable } from "node:stream";
import tls from "node:tls";
import { checkPinned, parsePem } from "./pinning";

/**
 * The client end of NTLS. p11-kit-client.so speaks PKCS#11 RPC on a unix socket
 * (P11_KIT_SERVER_ADDRESS=unix:path=…); this connector accepts those connections and carries
 * each one over its own mutual-TLS connection to the appliance front, which decides which
 * partitions the client sees. One local connection = one TLS connection = one PKCS#11 session
 * context on the appliance, exactly like a Luna client's NTLS link.
 *
 * p11-kit has no timeouts of its own (a peer that accepts and never answers blocks the calling
 * thread forever), so every hop here is bounded: the TLS handshake (`handshakeTimeoutMs`), and
 * the appliance's silence while a request is outstanding (`idleTimeoutMs`, see watchAnswers).
 * A link with no request outstanding stays open (TCP keepalive watches it), so an idle nginx
 * worker keeps its session. Closing the local socket makes p11-kit-client fail the pending call
 * with CKR_DEVICE_ERROR, and the caller re-initialises.
 */
export interface NtlsConnectorOptions {
  host: string;
  port: number;
  serverCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  socketPath: string;
  handshakeTimeoutMs?: number;
  /** Longest silence from the appliance while a request is outstanding (default 60 s). */
  idleTimeoutMs?: number;
  /**
   * Owner of the socket file (a service engine's unprivileged nginx user). Only this uid may open
   * it: whoever opens the socket uses the client's identity. Default: this process's user.
   */
  socketOwner?: { uid: number; gid: number };
  /**
   * The appliance ended a link the local side still used, or could not be reached: the caller
   * may fail over (p11-kit clients never recover a lost link on their own).
   */
  onRemoteLost?: (reason: string) => void;
  /** The timers of both limits: the system's; tests pass a manual clock to decide when they pass. */
  clock?: ConnectorClock;
}

export interface ConnectorClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimers: ConnectorClock = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface NtlsConnector {
  socketPath: string;
  close(): Promise<void>;
}

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/** Above the slowest legitimate call (RSA-4096 generation took up to 2.6 s here), far below forever. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

export async function startNtlsConnector(opts: NtlsConnectorOptions): Promise<NtlsConnector> {
  const pinned = parsePem(opts.serverCertPem, "serverCertPem");
  parsePem(opts.clientCertPem, "clientCertPem");
  // Built once: a key that does not match the certificate fails here, not inside a connection.
  const secureContext = tls.createSecureContext({
    cert: opts.clientCertPem,
    key: opts.clientKeyPem,
    minVersion: "TLSv1.2",
  });
  const handshakeTimeoutMs = opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  const idleTimeoutMs = opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const clock = opts.clock ?? systemTimers;
  const live = new Set<net.Socket>();
  let closing = false;

  const server = net.createServer((local) => {
    live.add(local);
    local.pause(); // hold the client's first RPC bytes until the appliance is authenticated
    const remote = tls.connect({
      host: opts.host,
      port: opts.port,
      secureContext,
      // Pinned by exact certificate below, not by CA chain or host name.
      rejectUnauthorized: false,
    });
    live.add(remote);
    let localClosed = false;
    let lostReported = false;
    const remoteLost = (reason: string) => {
      if (closing || localClosed || lostReported) return;
      lostReported = true;
      opts.onRemoteLost?.(reason);
    };
    const destroyBoth = () => {
      clock.clearTimeout(handshakeTimer);
      local.destroy();
      remote.destroy();
    };
    const handshakeTimer = clock.setTimeout(() => {
      remoteLost("NTLS handshake timed out");
      destroyBoth();
    }, handshakeTimeoutMs);
    remote.once("secureConnect", () => {
      clock.clearTimeout(handshakeTimer);
      const check = checkPinned(pinned, remote.getPeerCertificate().raw);
      if (!check.ok) {
        remoteLost("the appliance presented another certificate");
        return destroyBoth();
      }
      remote.setKeepAlive(true, 30_000);
      // PKCS#11 RPC is small request/response messages: Nagle + delayed ACK would add ~40 ms each.
      remote.setNoDelay(true);
      const stopWatching = watchAnswers(local, remote, idleTimeoutMs, clock, () => {
        remoteLost("the appliance stopped answering");
        destroyBoth();
      });
      remote.once("close", stopWatching);
      local.pipe(remote);
      remote.pipe(local);
      local.resume();
    });
    local.on("error", destroyBoth);
    remote.on("error", (error) => {
      remoteLost(error.message);
      destroyBoth();
    });
    local.on("close", () => {
      localClosed = true;
      live.delete(local);
      destroyBoth();
    });
    remote.on("close", () => {
      live.delete(remote);
      remoteLost("the appliance closed the connection");
      destroyBoth();
    });
  });

  removeStaleSocket(opts.socketPath);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Whoever can open the socket can use the client's identity: owner only.
  fs.chmodSync(opts.socketPath, 0o600);
  if (opts.socketOwner) fs.chownSync(opts.socketPath, opts.socketOwner.uid, opts.socketOwner.gid);

  return {
    socketPath: opts.socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const s of live) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * "A peer that never answers" for a request/response protocol (PKCS#11 RPC): the timer runs only
 * while a request is outstanding — from the first request bytes until the first answer bytes —
 * and fires if the answer does not come within `timeoutMs`. A link with nothing outstanding
 * is never cut for idleness: an nginx worker may sit idle for hours and must keep its session
 * (TCP keepalive detects a peer that died meanwhile).
 */
function watchAnswers(
  requests: Readable,
  answers: Readable,
  timeoutMs: number,
  clock: ConnectorClock,
  onTimeout: () => void,
): () => void {
  let timer: unknown;
  const clear = () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };
  const onRequest = () => {
    timer ??= clock.setTimeout(() => {
      timer = undefined;
      onTimeout();
    }, timeoutMs);
  };
  requests.on("data", onRequest);
  answers.on("data", clear);
  return () => {
    clear();
    requests.off("data", onRequest);
    answers.off("data", clear);
  };
}

/** A socket file left by a crashed connector would make listen() fail with EADDRINUSE. */
function removeStaleSocket(socketPath: string): void {
  try {
    if (fs.lstatSync(socketPath).isSocket()) fs.unlinkSync(socketPath);
  } catch {
    // absent: nothing to do
  }
}
