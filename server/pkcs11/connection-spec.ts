/** What one PKCS#11 connection (one supervised worker process) is made of. */
export interface ConnectionSpec {
  /** Name of the connection (e.g. "local", or an appliance id), unique within its group. */
  name: string;
  /**
   * The HSM group that owns this connection: its worker process and its logins belong to that
   * group alone (a login is per process, so sharing one would let a group ride another's login).
   */
  group?: string;
  /** Local/vendor module path; for network connections defaults to p11-kit-client.so. */
  libraryPath?: string;
  /** Network appliance reached through p11-kit-client.so over this unix socket (the NTLS connector's). */
  socketPath?: string;
  /** Extra environment for the worker (e.g. SOFTHSM2_CONF, ChrystokiConfigurationPath). */
  env?: Record<string, string>;
  /** Per-operation timeout (default HSM_OP_TIMEOUT_MS or 10 s). */
  timeoutMs?: number;
  /** Limit for starting a worker process (default 30 s; not counted in the operation timeout). */
  startTimeoutMs?: number;
  /** Concurrent operations sent to the worker; more wait in a queue (default 16). */
  maxConcurrent?: number;
  /** CPU niceness of the worker process (default 10: below the web server; 0 = unchanged). */
  niceness?: number;
  /** Sessions per token in the worker's pool (default 8). */
  maxSessionsPerToken?: number;
  /** Stop the worker after this long without calls (restarted, logins restored, on the next call); 0 = never. */
  idleStopMs?: number;
}
