/**
 * Plain data that describes a service engine (SE). The console renders these from its database;
 * the dataplane never reads the database itself.
 */

/** How this SE reaches the HSM's PKCS#11 API: always p11-kit-client.so over a unix socket. */
export type HsmAccess =
  | {
      /**
       * A local SoftHSM token. The dataplane starts `p11-kit server` (as root, so it can read the
       * token files) and exports only this token on a socket that the SE's user may open.
       */
      kind: "softhsm";
      /** SOFTHSM2_CONF of the token's SoftHSM installation. */
      softhsmConf: string;
      tokenLabel: string;
      /** User PIN of the token; written to a 0600 file owned by the SE user (pin-source=file:). */
      pin: string;
      /** Default /usr/lib/softhsm/libsofthsm2.so. */
      providerPath?: string;
    }
  | {
      /**
       * Any other local PKCS#11 library (a vendor's client library, or SoftHSM with its own
       * configuration), exported the same way: `p11-kit server --provider <library>` as root.
       */
      kind: "module";
      providerPath: string;
      /** The library's own environment (e.g. SOFTHSM2_CONF, ChrystokiConfigurationPath); nothing else. */
      env: Record<string, string>;
      tokenLabel: string;
      pin: string;
    }
  | {
      /** A socket made by someone else (e.g. the NTLS connector to a network appliance). */
      kind: "socket";
      socketPath: string;
      pin: string;
      /** Called before each (re)start so the provider can bring its socket back. */
      ensure?: () => Promise<void>;
    };

export interface PoolServer {
  host: string;
  port: number;
}

export interface ServicePort {
  port: number;
  ssl: boolean;
}

export interface VirtualServiceSpec {
  /** Stable id, [A-Za-z0-9_-]{1,64}: used in file and upstream names. */
  id: string;
  name: string;
  /** IPv4 address; on a single machine a loopback address (127.0.0.0/8). */
  vip: string;
  ports: ServicePort[];
  /** PEM certificate (public); required when a port has ssl. */
  certificatePem?: string;
  /** PEM intermediate certificates, appended after the certificate. */
  chainPem?: string;
  /**
   * RFC 7512 URI of the private key, e.g. `pkcs11:token=web;id=%01;type=private`. No query part:
   * the SE adds the PIN source itself.
   */
  keyUri?: string;
  pool: PoolServer[];
  /** Set only for the console's own HTTPS front (server/http/console-front.ts). */
  front?: ConsoleFrontOptions;
}

/**
 * The console's own HTTPS served by an SE: bodies streamed to the console uncapped (the console
 * caps them itself), long answers waited for, a secret header that proves to the console's
 * loopback listener that the request came through the front, and plain HTTP redirected.
 */
export interface ConsoleFrontOptions {
  secretHeader: string;
  secret: string;
  /** https://host:port that plain-HTTP requests are sent to (no path). */
  redirectTo: string;
}

export interface ServiceEngineSpec {
  name: string;
  /** The SE's own folder: config, certificates, PIN file, logs, pid, sockets. */
  dataDir: string;
  hsm: HsmAccess;
  virtualServices: VirtualServiceSpec[];
  /** nginx worker processes; default 1 (each worker opens its own HSM connection). */
  workerProcesses?: number;
}

export type ServiceEngineState = "running" | "restart-required" | "failed" | "stopped";

export interface ServiceEngineStatus {
  state: ServiceEngineState;
  /** Why the SE is in this state, for people (empty when running normally). */
  reason: string;
  /** nginx master pid while it runs. */
  pid: number | null;
  /** When the SE entered this state. */
  since: Date;
  /** Restarts made by the supervisor itself (crash or HSM loss) since start(). */
  automaticRestarts: number;
}
