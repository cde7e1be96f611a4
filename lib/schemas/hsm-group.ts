import { z } from "zod";
import {
  HSM_CLIENT_KINDS,
  HSM_NETWORKS,
  HSM_TYPES,
  isNetworkHsm,
  REGISTRATION_STATES,
} from "@/lib/hsm-types";
import { ZId, ZObjectName } from "./common";
import { ZModuleEnvText } from "./module-env";

/** A PKCS#11 library the installation allows (offered in the form; nothing else is accepted). */
export const ZOfferedLibrary = z.object({
  path: z.string(),
  label: z.string(),
  envNames: z.array(z.string()),
});
export type OfferedLibrary = z.infer<typeof ZOfferedLibrary>;

/**
 * Partition (token) labels as the appliance accepts them: they go into Chrystoki.conf, lunash
 * commands and PKCS#11 URIs, so a strict set. At most 32 characters: a PKCS#11 token label is 32 bytes.
 */
export const PARTITION_LABEL_RULE =
  "Letters, digits, dot, dash and underscore, starting with a letter or digit; at most 32 characters.";
export const ZPartitionLabel = z
  .string()
  .trim()
  .min(1, "Enter the partition label.")
  .max(32, "Use at most 32 characters (a PKCS#11 token label is 32 bytes).")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    `Use ${PARTITION_LABEL_RULE.charAt(0).toLowerCase()}${PARTITION_LABEL_RULE.slice(1)}`,
  );

export const DEFAULT_NTLS_PORT = 1792;
export const DEFAULT_CLIENT_VALIDITY_DAYS = 730;

const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** IPv4, IPv6 or a DNS host name (all-numeric dotted names must be valid IPv4). */
export function isHsmAddress(value: string): boolean {
  if (IPV4.test(value)) return true;
  if (value.includes(":")) return z.ipv6().safeParse(value).success;
  if (value.length > 253) return false;
  const labels = value.split(".");
  if (labels.every((l) => /^\d+$/.test(l))) return false;
  return labels.every((l) => HOST_LABEL.test(l));
}

export const ZHsmType = z.enum(HSM_TYPES, { message: "Choose an HSM type." });

const ZServerInput = z.object({
  /** Set on update for an existing server (keeps its password when none is typed). */
  id: ZId.optional(),
  address: z.string().trim().max(253).optional(),
  port: z
    .number({ message: "Enter a port number." })
    .int("Enter a whole number.")
    .min(1, "Use a port from 1 to 65535.")
    .max(65535, "Use a port from 1 to 65535.")
    .default(DEFAULT_NTLS_PORT),
  /** The appliance's server.pem, pasted. */
  serverCert: z.string().trim().max(20_000, "server.pem is at most 20,000 characters.").optional(),
  partition: ZPartitionLabel,
  /** Write-only. Required on create; on update, empty = unchanged. */
  partitionPassword: z.string().max(256, "Use at most 256 characters.").optional(),
  adminApiUrl: z
    .union([z.literal(""), z.url({ protocol: /^https$/, message: "Enter an https:// URL." })])
    .optional(),
});

const groupFields = {
  name: ZObjectName,
  type: ZHsmType,
  servers: z.array(ZServerInput).min(1, "Add at least one HSM.").max(8, "Use at most 8 HSMs."),
  isHa: z.boolean().default(false),
  moduleLibrary: z.string().trim().max(512).optional(),
  /** The library's configuration variables, one NAME=value per line (PKCS#11 module groups). */
  moduleEnv: ZModuleEnvText.optional(),
  /** Validity of the client certificates generated for this group. */
  clientValidityDays: z.number().int().min(1, "At least 1 day.").max(3650, "At most 10 years.").default(730),
};

type GroupShape = {
  type: (typeof HSM_TYPES)[number];
  servers: { id?: string; address?: string; serverCert?: string; partitionPassword?: string }[];
  isHa: boolean;
  moduleLibrary?: string;
};

function refineGroup(creating: boolean) {
  return (g: GroupShape, ctx: z.RefinementCtx) => {
    if (g.isHa && g.servers.length < 2)
      ctx.addIssue({
        code: "custom",
        path: ["isHa"],
        message: "HA needs two or more HSMs. Add another HSM first.",
      });
    const network = isNetworkHsm(g.type);
    if (!network && g.type !== "pkcs11-module")
      ctx.addIssue({
        code: "custom",
        path: ["type"],
        message:
          "This type needs its vendor client package; use a SafeNet-style network HSM or a PKCS#11 module.",
      });
    if (g.type === "pkcs11-module" && !g.moduleLibrary)
      ctx.addIssue({ code: "custom", path: ["moduleLibrary"], message: "Choose the PKCS#11 library." });
    g.servers.forEach((s, i) => {
      if (network) {
        if (!s.address)
          ctx.addIssue({
            code: "custom",
            path: ["servers", i, "address"],
            message: "Enter the HSM's IP address or host name.",
          });
        else if (!isHsmAddress(s.address))
          ctx.addIssue({
            code: "custom",
            path: ["servers", i, "address"],
            message: "Enter an IPv4 or IPv6 address or a host name.",
          });
        if (!s.serverCert)
          ctx.addIssue({
            code: "custom",
            path: ["servers", i, "serverCert"],
            message: "Paste the appliance's server.pem.",
          });
      }
      if ((creating || !s.id) && !s.partitionPassword)
        ctx.addIssue({
          code: "custom",
          path: ["servers", i, "partitionPassword"],
          message: network ? "Enter the partition password." : "Enter the token PIN.",
        });
    });
  };
}

export const ZCreateHsmGroupInput = z.object(groupFields).superRefine(refineGroup(true));
export type CreateHsmGroupInput = z.input<typeof ZCreateHsmGroupInput>;
export type CreateHsmGroupValues = z.output<typeof ZCreateHsmGroupInput>;

export const ZUpdateHsmGroupInput = z.object({ id: ZId, ...groupFields }).superRefine(refineGroup(false));
export type UpdateHsmGroupInput = z.input<typeof ZUpdateHsmGroupInput>;
export type UpdateHsmGroupValues = z.output<typeof ZUpdateHsmGroupInput>;

export const ZParseServerCertInput = z.object({ pem: z.string().max(20_000) });

export const ZServerCertInfo = z.object({
  subject: z.string(),
  fingerprint: z.string(),
  notAfter: z.string(),
});
export type ServerCertInfo = z.infer<typeof ZServerCertInfo>;

export const ZHsmServer = z.object({
  id: z.string(),
  position: z.number(),
  address: z.string().nullable(),
  port: z.number().nullable(),
  serverCert: ZServerCertInfo.nullable(),
  serverCertPem: z.string().nullable(),
  partition: z.string(),
  partitionSerial: z.string().nullable(),
  partitionPasswordSet: z.literal(true),
  adminApiUrl: z.string().nullable(),
  /** Admin API credentials were remembered (encrypted) for automatic registration. */
  adminCredentialsSaved: z.boolean(),
});

export const ZHsmClient = z.object({
  id: z.string(),
  kind: z.enum(HSM_CLIENT_KINDS),
  name: z.string(),
  ip: z.string(),
  network: z.enum(HSM_NETWORKS),
  fingerprint: z.string(),
  notAfter: z.string(),
  replacedAt: z.string().nullable(),
});

export const ZHsmGroup = z.object({
  id: z.string(),
  name: z.string(),
  type: ZHsmType,
  isHa: z.boolean(),
  haGroupNum: z.string().nullable(),
  builtIn: z.boolean(),
  moduleLibrary: z.string().nullable(),
  moduleEnv: z.record(z.string(), z.string()).nullable(),
  tenantName: z.string(),
  servers: z.array(ZHsmServer),
  clients: z.array(ZHsmClient),
  seGroups: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type HsmGroup = z.infer<typeof ZHsmGroup>;

export const ZRegistrationState = z.enum(REGISTRATION_STATES);
