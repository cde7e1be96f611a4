/**
 * What a lab looks like. Defaults mirror the source document: two appliances at .11 and .13
 * (1.1.1.11 / 1.1.1.13 there, loopback here), NTLS on 1792, partitions par43 and par40.
 */
export interface LabApplianceSpec {
  name: string;
  host: string;
  ntlsPort?: number;
  adminPort?: number;
  partitions?: string[];
}

export interface StartLabOptions {
  /** The console's data folder; the lab lives in <dataDir>/lab/. */
  dataDir: string;
  /** Number of default appliances (ignored when `appliances` is given). Default 2. */
  count?: number;
  appliances?: LabApplianceSpec[];
  /** Defaults for every appliance: NTLS 1792, admin API 8443. */
  ntlsPort?: number;
  adminPort?: number;
  handshakeTimeoutMs?: number;
  /** Front: client silence before disconnect (default 24 h). */
  idleTimeoutMs?: number;
  /** Front: HSM silence while a client waits for an answer (default 60 s). */
  answerTimeoutMs?: number;
}

export const DEFAULT_NTLS_PORT = 1792;
export const DEFAULT_ADMIN_PORT = 8443;

export function defaultAppliances(count: number): LabApplianceSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `hsm${i + 1}`,
    host: `127.0.0.${11 + 2 * i}`,
    partitions: [i === 0 ? "par43" : i === 1 ? "par40" : `par${44 + i}`],
  }));
}

/** LAB_APPLIANCES=0 turns the lab off, =N asks for N appliances; unset means 2. */
export function labCountFromEnv(env: Record<string, string | undefined> = process.env): number {
  const raw = env.LAB_APPLIANCES;
  if (raw === undefined || raw === "") return 2;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 50) throw new Error(`LAB_APPLIANCES must be 0..50, got "${raw}"`);
  return n;
}
