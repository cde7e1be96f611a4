import path from "node:path";
import { z } from "zod";
import { isHsmAddress } from "@/lib/schemas/hsm-group";

/**
 * Environment, validated at start (scripts/launch.ts and scripts/serve.ts call env() first, so a
 * wrong value stops the start naming the variable). Every variable the console reads is listed
 * here (and in the README); nothing else reads process.env for configuration (environments handed
 * to child processes aside).
 */
/** An empty variable counts as unset (its default), as a shell's `VAR= npm start` means. */
const blankIsUnset = (value: unknown) => (value === "" ? undefined : value);

const ZEnvFields = z.object({
  HSM_CONSOLE_DATA: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://")
    .optional(),
  HSM_CONSOLE_MASTER_KEY: z.string().optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Address the console listens on (HTTPS; plain HTTP on the same port only redirects). */
  HOSTNAME: z.string().min(1).default("0.0.0.0"),
  /** PEM files of the console's own TLS certificate and key; unset = a self-signed one in the data folder. */
  HSM_CONSOLE_TLS_CERT: z.string().min(1).optional(),
  HSM_CONSOLE_TLS_KEY: z.string().min(1).optional(),
  /** "1" behind a reverse proxy: X-Forwarded-For/-Proto are believed; otherwise they are dropped. */
  HSM_CONSOLE_TRUST_PROXY: z
    .enum(["", "0", "1"], { message: "HSM_CONSOLE_TRUST_PROXY must be 1 (trust) or 0/unset" })
    .default("")
    .transform((v) => v === "1"),
  /** Cap of a JSON request body (REST, tRPC), counted while it streams. */
  HSM_CONSOLE_JSON_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** Extra origins allowed to call mutations (comma-separated), e.g. behind a reverse proxy. */
  HSM_CONSOLE_ORIGINS: z.string().default(""),
  HSM_CONSOLE_SESSION_HOURS: z.coerce.number().positive().default(12),
  /** Failed sign-ins to one account from one address within the window before that pair is locked. */
  HSM_CONSOLE_LOGIN_MAX_ACCOUNT_FAILURES: z.coerce.number().int().positive().default(5),
  /** Failed sign-ins to one account from all addresses (well above what one address can reach). */
  HSM_CONSOLE_LOGIN_MAX_ACCOUNT_TOTAL_FAILURES: z.coerce.number().int().positive().default(50),
  /** Wrong setup tokens from one address within the window before setup is locked for it. */
  HSM_CONSOLE_SETUP_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  HSM_CONSOLE_LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  HSM_CONSOLE_LOGIN_LOCKOUT_SECONDS: z.coerce.number().int().positive().default(300),
  /** This console node as an HSM client: the name and IP registered on the appliances. */
  HSM_CONSOLE_NODE_NAME: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      "use letters, digits, dot, dash and underscore (the appliance's client name rules), at most 64",
    )
    .optional(),
  HSM_CONSOLE_NODE_IP: z
    .string()
    .refine(isHsmAddress, "use an IPv4 or IPv6 address or a DNS host name")
    .default("127.0.0.1"),
  /** Built-in echo pool server on 127.0.0.1 (a pool to point a first virtual service at); 0 = off. */
  HSM_CONSOLE_ECHO_PORT: z.coerce.number().int().min(0).max(65535).default(8081),
  /**
   * Networks (CIDR, comma-separated) a virtual service's pool may use although they are link-local
   * or cloud metadata addresses, refused by default (e.g. "169.254.10.0/24").
   */
  HSM_CONSOLE_POOL_ALLOWED_NETWORKS: z
    .string()
    .default("")
    .refine(
      (v) => v.split(",").every((c) => !c.trim() || /^[0-9a-fA-F.:]+\/\d{1,3}$/.test(c.trim())),
      "HSM_CONSOLE_POOL_ALLOWED_NETWORKS lists networks as address/prefix, comma-separated (e.g. 169.254.10.0/24)",
    ),
  /** A PKCS#11 worker process with no call for this long stops (restarted on the next call); 0 = never. */
  HSM_CONSOLE_WORKER_IDLE_SECONDS: z.coerce.number().int().min(0).default(600),
  /** At most this many PKCS#11 worker processes (one per HSM group connection) at a time. */
  HSM_CONSOLE_MAX_HSM_WORKERS: z.coerce.number().int().min(1).default(64),
  /** Timeout of one PKCS#11 operation (key generation gets three times as long). */
  HSM_OP_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /** Age before an orphan HSM key made by the console may be removed; also the crash-recovery deadline. */
  HSM_CONSOLE_ORPHAN_GRACE_SECONDS: z.preprocess(blankIsUnset, z.coerce.number().int().min(0).default(3600)),
  /** SoftHSM2 module of the built-in local HSM. */
  SOFTHSM2_LIBRARY: z
    .string()
    .refine((p) => path.isAbsolute(p), "SOFTHSM2_LIBRARY must be an absolute path to libsofthsm2.so")
    .default("/usr/lib/softhsm/libsofthsm2.so"),
  /** JSON list of further PKCS#11 libraries this installation allows (see pkcs11-libraries.ts). */
  HSM_CONSOLE_PKCS11_LIBRARIES: z.string().optional(),
  /** Lab network HSM appliances started by `npm start` (scripts/launch.ts); 0 = none. */
  LAB_APPLIANCES: z.preprocess(blankIsUnset, z.coerce.number().int().min(0).max(50).default(2)),
  /** Lowest level written to the JSON log on stdout. */
  HSM_CONSOLE_LOG_LEVEL: z.preprocess(
    blankIsUnset,
    z
      .enum(["fatal", "error", "warn", "info", "debug", "trace"], {
        message: "HSM_CONSOLE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace",
      })
      .default("info"),
  ),
  /** Bearer token that /metrics asks for (at least 24 characters); unset = no token accepted. */
  HSM_CONSOLE_METRICS_TOKEN: z.preprocess(
    blankIsUnset,
    z.string().min(24, "HSM_CONSOLE_METRICS_TOKEN must be at least 24 characters").optional(),
  ),
  /** Addresses or networks (CIDR, comma-separated) that may read /metrics without the token. */
  HSM_CONSOLE_METRICS_ALLOW: z
    .string()
    .default("")
    .refine(
      (v) => v.split(",").every((c) => !c.trim() || /^[0-9a-fA-F.:]+(\/\d{1,3})?$/.test(c.trim())),
      "HSM_CONSOLE_METRICS_ALLOW lists addresses or networks (address/prefix), comma-separated (e.g. 127.0.0.1,10.0.0.0/8)",
    ),
  /** A service engine's access.log or error.log is rotated past this size. */
  HSM_CONSOLE_SE_LOG_MAX_BYTES: z.preprocess(
    blankIsUnset,
    z.coerce.number().int().min(4096).default(50 * 1024 * 1024),
  ),
  /** Rotated files kept per log (access.log.1 … access.log.N). */
  HSM_CONSOLE_SE_LOG_KEEP: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(100).default(5)),
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
});

const ZEnv = ZEnvFields.refine(
  (e) => (e.HSM_CONSOLE_TLS_CERT === undefined) === (e.HSM_CONSOLE_TLS_KEY === undefined),
  {
    message: "set both HSM_CONSOLE_TLS_CERT and HSM_CONSOLE_TLS_KEY (PEM file paths), or neither",
    path: ["HSM_CONSOLE_TLS_CERT"],
  },
);

export type Env = z.infer<typeof ZEnv>;

const NAMES = Object.keys(ZEnvFields.shape);

let cached: { key: string; env: Env } | undefined;

/** The validated settings; parsed again only when one of the listed variables changed (tests set them). */
export function env(): Env {
  const key = NAMES.map((name) => process.env[name] ?? "\u0000").join("\n");
  if (cached?.key !== key) {
    const parsed = ZEnv.safeParse(process.env);
    if (!parsed.success) {
      const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
      throw new Error(`Invalid environment:\n${lines.join("\n")}`);
    }
    cached = { key, env: parsed.data };
  }
  return cached.env;
}

/** Absolute path of the data folder (database, master key, SoftHSM tokens, lab, SEs). */
export function dataDir(): string {
  return path.resolve(env().HSM_CONSOLE_DATA);
}

/** Tests change the environment between cases. */
export function resetEnvForTests(): void {
  cached = undefined;
}
