import { z } from "zod";
import { HSM_CLIENT_KINDS, REGISTRATION_STATES } from "@/lib/hsm-types";
import { ZId } from "./common";

export const ZClientServerRow = z.object({
  serverId: z.string(),
  address: z.string(),
  partition: z.string(),
  status: z.enum(REGISTRATION_STATES),
  detail: z.string().nullable(),
  checkedAt: z.string().nullable(),
  /** The document's Step 2 commands with this client's and server's values filled in. */
  commands: z.array(z.string()),
});

export const ZClientCertRow = z.object({
  id: z.string(),
  kind: z.enum(HSM_CLIENT_KINDS),
  name: z.string(),
  ip: z.string(),
  subject: z.string(),
  fingerprint: z.string(),
  notAfter: z.string(),
  replacedAt: z.string().nullable(),
  chrystokiConf: z.string().nullable(),
  chrystokiDiff: z.array(z.object({ op: z.enum([" ", "+", "-"]), text: z.string() })).nullable(),
  servers: z.array(ZClientServerRow),
});
export type ClientCertRow = z.infer<typeof ZClientCertRow>;

export const ZClientsPage = z.object({
  id: z.string(),
  name: z.string(),
  isHa: z.boolean(),
  clients: z.array(ZClientCertRow),
});
export type ClientsPage = z.infer<typeof ZClientsPage>;

export const ZServerCertStatus = z.object({
  serverId: z.string(),
  address: z.string(),
  pinnedFingerprint: z.string().nullable(),
  /** What the appliance presents now; null when unreachable. */
  presentedFingerprint: z.string().nullable(),
  mismatch: z.boolean(),
  error: z.string().nullable(),
});

/** `download clientcert GROUP CLIENT`: one client's certificate by the client's name. */
export const ZClientCertificateInput = z.object({
  id: ZId,
  client: z.string().trim().min(1, "Name the client.").max(128),
});
export const ZClientCertificate = z.object({ name: z.string(), certificatePem: z.string() });

export const ZRotateClientInput = z.object({ id: ZId, clientId: ZId });
export const ZTrustServerCertInput = z.object({
  id: ZId,
  serverId: ZId,
  /** The fingerprint the administrator saw: only that certificate is trusted. */
  fingerprint: z.string().min(1),
});

export const ZRegisterAutomaticallyInput = z.object({
  id: ZId,
  serverId: ZId,
  adminApiUrl: z.url({ protocol: /^https$/, message: "Enter the appliance's https:// admin API URL." }),
  username: z.string().trim().min(1, "Enter the admin user name.").max(64),
  /** Empty: use the credentials remembered for this HSM, if any. */
  password: z.string().max(256).default(""),
  remember: z.boolean().default(false),
});
export type RegisterAutomaticallyInput = z.input<typeof ZRegisterAutomaticallyInput>;

export const ZRegisterResult = z.object({
  id: z.string(),
  name: z.string(),
  registered: z.array(
    z.object({ client: z.string(), outcome: z.enum(["registered", "already-registered", "re-registered"]) }),
  ),
});
