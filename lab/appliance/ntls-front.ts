import { type ChildProcess, spawn } from "node:child_process";
import tls from "node:tls";
import { SOFTHSM_MODULE } from "./softhsm";
import type { ServerIdentity } from "./server-cert";

/**
 * The NTLS listener (Luna: port 1792). Mutual TLS with the appliance's server.pem; after the
 * handshake the presented client certificate is looked up in the client list (exact
 * certificate + validity dates). An accepted connection gets its own `p11-kit remote` process
 * exporting ONLY the tokens assigned to that client, speaking PKCS#11 RPC over the TLS stream.
 * Per-connection processes also give per-connection login state, like Luna's NTLS sessions.
 */
export type Authorization = { ok: true; client: string; tokenUris: string[] } | { ok: false; reason: string };

export interface NtlsFrontOptions {
  host: string;
  port: number;
  identity: ServerIdentity;
  handshakeTimeoutMs: number;
  /** A client silent this long is disconnected (long: idle nginx workers keep their session). */
  idleTimeoutMs: number;
  /** p11-kit remote silent this long while the client waits for an answer: link ended. */
  answerTimeoutMs: number;
  authorize(peerDer: Buffer | undefined): Authorization;
  log(line: string): void;
}

/** Matches no SoftHSM token: a registered client without partitions sees zero slots. */
const NO_TOKEN_URI = "pkcs11:manufacturer=hsm-lab%20no%20partition";

interface Link {
  client: string;
  socket: tls.TLSSocket;
  child: ChildProcess;
}

export class NtlsFront {
  private readonly server: tls.Server;
  private readonly links = new Set<Link>();

  constructor(private readonly opts: NtlsFrontOptions) {
    this.server = tls.createServer({
      key: opts.identity.keyPem,
      cert: opts.identity.certPem,
      requestCert: true,
      // Clients are self-signed and pinned exactly, checked in onSecure, not by CA chain.
      rejectUnauthorized: false,
      minVersion: "TLSv1.2",
      handshakeTimeout: opts.handshakeTimeoutMs,
    });
    this.server.on("secureConnection", (socket) => this.onSecure(socket));
    this.server.on("tlsClientError", (error, socket) => {
      opts.log(`ntls: handshake failed from ${socket.remoteAddress}: ${error.message}`);
      socket.destroy();
    });
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  /** After `sysconf regenCert`: new connections get the new certificate. */
  setIdentity(identity: ServerIdentity): void {
    this.server.setSecureContext({ key: identity.keyPem, cert: identity.certPem });
  }

  /** After revoke or deregister, live links of that client end now, not at their next reconnect. */
  dropClient(client: string): void {
    for (const link of this.links) if (link.client === client) link.socket.destroy();
  }

  dropAll(): void {
    for (const link of this.links) link.socket.destroy();
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onSecure(socket: tls.TLSSocket): void {
    let auth: Authorization;
    try {
      auth = this.opts.authorize(socket.getPeerCertificate().raw);
    } catch (error) {
      // e.g. an unreadable client list: refuse this connection, keep the appliance up.
      auth = { ok: false, reason: `authorization failed: ${(error as Error).message}` };
    }
    if (!auth.ok) {
      this.opts.log(`ntls: refused ${socket.remoteAddress}: ${auth.reason}`);
      socket.destroy();
      return;
    }
    const uris = auth.tokenUris.length > 0 ? auth.tokenUris : [NO_TOKEN_URI];
    const child = spawn("p11-kit", ["remote", "--provider", SOFTHSM_MODULE, ...uris], {
      stdio: ["pipe", "pipe", "pipe"],
      env: process.env,
    });
    const link: Link = { client: auth.client, socket, child };
    this.links.add(link);
    this.opts.log(
      `ntls: ${auth.client} connected from ${socket.remoteAddress} (${auth.tokenUris.length} partitions)`,
    );
    const end = () => {
      if (!this.links.delete(link)) return;
      socket.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        // A stopped or wedged process ignores SIGTERM until it runs again: make sure it goes.
        setTimeout(
          () => child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"),
          2000,
        ).unref();
      }
    };
    socket.setTimeout(this.opts.idleTimeoutMs, end);
    const watch = new AnswerWatch(this.opts.answerTimeoutMs, () => {
      this.opts.log(`ntls: ${auth.client}: no answer from the HSM within ${this.opts.answerTimeoutMs} ms`);
      end();
    });
    socket.on("data", watch.requested);
    child.stdout!.on("data", watch.answered);
    socket.once("close", watch.answered);
    socket.setKeepAlive(true, 30_000);
    socket.setNoDelay(true); // small RPC round trips: no Nagle delay

    socket.pipe(child.stdin!);
    child.stdout!.pipe(socket);
    child.stderr!.on("data", (d: Buffer) => this.opts.log(`p11-kit[${auth.client}]: ${d.toString().trim()}`));
    child.stdin!.on("error", end);
    child.on("error", (error) => {
      this.opts.log(`ntls: p11-kit remote failed: ${error.message}`);
      end();
    });
    child.on("exit", end);
    socket.on("error", end);
    socket.on("close", end);
  }
}

/**
 * "The HSM stopped answering", seen from the appliance: armed when request bytes arrive from the
 * client while no answer is awaited, disarmed by the first answer bytes of `p11-kit remote`. A link
 * with nothing outstanding is never cut by it (an idle service engine keeps its session). The
 * appliance's own, apart from the console connector's watch (server/ntls), on purpose: one bug in
 * a shared timer would pass both sides' tests.
 */
class AnswerWatch {
  private awaiting: NodeJS.Timeout | undefined;

  constructor(
    private readonly limitMs: number,
    private readonly onSilence: () => void,
  ) {}

  readonly requested = (): void => {
    if (this.awaiting) return;
    this.awaiting = setTimeout(() => {
      this.awaiting = undefined;
      this.onSilence();
    }, this.limitMs);
  };

  readonly answered = (): void => {
    clearTimeout(this.awaiting);
    this.awaiting = undefined;
  };
}
