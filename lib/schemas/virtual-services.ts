import { z } from "zod";
import { ZId, ZObjectName } from "./common";

/** Dotted quad with each part 0–255 (this file is shared with the browser: no node:net). */
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const ipv4 = (message: string) => z.string().trim().regex(IPV4, message);

/** Strict: "0x4A3F", "12", true or [2] are refused, not converted (forms send numbers: valueAsNumber). */
const ZPort = z
  .number({ message: "Enter a port number." })
  .int("Enter a whole port number.")
  .min(1, "Use a port from 1 to 65535.")
  .max(65535, "Use a port from 1 to 65535.");

export const ZServicePort = z.object({ port: ZPort, ssl: z.boolean() });

export const ZPoolServer = z.object({
  host: ipv4("Enter the pool server's IPv4 address, e.g. 127.0.0.1."),
  port: ZPort,
});

export const ZVirtualServiceInput = z.object({
  name: ZObjectName,
  vip: ipv4("Enter an IPv4 VIP address, e.g. 127.0.94.10."),
  ports: z
    .array(ZServicePort)
    .min(1, "Add at least one service port.")
    .max(64, "At most 64 service ports per virtual service."),
  /** Empty = no certificate (only possible without SSL ports). */
  certificateId: z
    .union([ZId, z.literal(""), z.null()])
    .transform((v) => (v ? v : null))
    .optional(),
  pool: z
    .array(ZPoolServer)
    .min(1, "Add at least one pool server.")
    .max(256, "At most 256 pool servers per virtual service."),
  healthCheckPath: z
    .string()
    .trim()
    .regex(/^(\/[A-Za-z0-9._~\-/%?=&]*)?$/, "A health check path starts with / (e.g. /health).")
    .optional(),
  seGroupId: ZId,
  enabled: z.boolean().default(true),
});
export type VirtualServiceInput = z.input<typeof ZVirtualServiceInput>;

export const ZUpdateVirtualServiceInput = ZVirtualServiceInput.extend({ id: ZId });
export type UpdateVirtualServiceInput = z.input<typeof ZUpdateVirtualServiceInput>;

export const ZVirtualService = z.object({
  id: z.string(),
  name: z.string(),
  vip: z.string(),
  ports: z.array(z.object({ port: z.number(), ssl: z.boolean() })),
  certificateId: z.string().nullable(),
  certificateName: z.string().nullable(),
  pool: z.array(z.object({ host: z.string(), port: z.number() })),
  healthCheckPath: z.string().nullable(),
  seGroupId: z.string(),
  seGroupName: z.string(),
  enabled: z.boolean(),
  state: z.enum(["pending", "up", "down", "disabled"]),
  stateReason: z.string().nullable(),
});
export type VirtualServiceView = z.infer<typeof ZVirtualService>;

export const ZCertificateChoice = z.object({
  id: z.string(),
  name: z.string(),
  hsmGroupId: z.string().nullable(),
  hsmGroupName: z.string().nullable(),
  /** The key is in this console node's own Local-SoftHSM: only SEs on that node can serve it. */
  hsmGroupNode: z.string().nullable(),
});

export const ZSeGroupChoice = z.object({
  id: z.string(),
  name: z.string(),
  hsmGroupId: z.string().nullable(),
});

export const ZVirtualServiceTestResult = z.object({
  ok: z.boolean(),
  port: z.number(),
  stage: z.string().nullable(),
  error: z.string().nullable(),
  tlsVersion: z.string().nullable(),
  cipher: z.string().nullable(),
  certificate: z
    .object({ subject: z.string(), issuer: z.string(), fingerprint256: z.string(), notAfter: z.string() })
    .nullable(),
  httpStatus: z.number().nullable(),
  body: z.string().nullable(),
  elapsedMs: z.number(),
});
export type VirtualServiceTestResult = z.infer<typeof ZVirtualServiceTestResult>;
