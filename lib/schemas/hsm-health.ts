import { z } from "zod";

/** One point of a chart: a time bucket with its operation count and latencies (null: no data). */
export const ZHealthPoint = z.object({
  /** Start of the bucket (ISO). */
  at: z.string(),
  ops: z.number(),
  errors: z.number(),
  /** Mean latency of the PKCS#11 operations in the bucket, ms. */
  avgMs: z.number().nullable(),
  maxMs: z.number().nullable(),
  /** Mean latency of the health probes (C_GetTokenInfo) in the bucket, ms. */
  probeMs: z.number().nullable(),
  probeFailures: z.number(),
});
export type HealthPoint = z.infer<typeof ZHealthPoint>;

export const ZWorkerState = z.object({
  connection: z.string(),
  running: z.boolean(),
  pid: z.number().nullable(),
  /** Worker processes started for this connection (1 + restarts). */
  starts: z.number(),
  inFlight: z.number(),
  /** Sessions of the worker per partition (open, of which idle), when it runs. */
  sessions: z.array(z.object({ partition: z.string(), open: z.number(), idle: z.number() })),
  lastError: z.string().nullable(),
});

export const ZMemberPicture = z.object({
  serverId: z.string(),
  server: z.string(),
  /** From the last probe in the day's samples: null when none ran. */
  lastProbe: z.object({ at: z.string(), ok: z.boolean(), ms: z.number().nullable() }).nullable(),
  hour: z.array(ZHealthPoint),
  day: z.array(ZHealthPoint),
});

export const ZHsmHealthPicture = z.object({
  id: z.string(),
  name: z.string(),
  isHa: z.boolean(),
  generatedAt: z.string(),
  /** Bucket sizes of the charts, minutes. */
  hourBucketMinutes: z.number(),
  dayBucketMinutes: z.number(),
  members: z.array(ZMemberPicture),
  workers: z.array(ZWorkerState),
  certificates: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      status: z.string(),
      notAfter: z.string().nullable(),
      daysLeft: z.number().nullable(),
    }),
  ),
});
export type HsmHealthPicture = z.infer<typeof ZHsmHealthPicture>;
