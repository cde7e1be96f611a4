import { z } from "zod";
import { ZIdInput } from "./common";

/** The stages of "Test connection", in the order the document's tools go through them. */
export const CONNECTION_STAGES = ["reach", "handshake", "initialize", "token", "login", "sign"] as const;
export const STAGE_LABELS: Record<(typeof CONNECTION_STAGES)[number], string> = {
  reach: "Reach (TCP)",
  handshake: "Handshake (NTLS)",
  initialize: "C_Initialize / slots",
  token: "Token present",
  login: "Login",
  sign: "Test sign",
};

export const ZStageResult = z.object({
  stage: z.enum(CONNECTION_STAGES),
  status: z.enum(["ok", "failed", "skipped", "not-applicable"]),
  ms: z.number().nullable(),
  detail: z.string(),
});
export type StageResult = z.infer<typeof ZStageResult>;

export const ZServerConnectionTest = z.object({
  serverId: z.string(),
  server: z.string(),
  ok: z.boolean(),
  stages: z.array(ZStageResult),
});

export const ZTestConnectionResult = z.object({
  id: z.string(),
  name: z.string(),
  node: z.string(),
  ok: z.boolean(),
  servers: z.array(ZServerConnectionTest),
});
export type TestConnectionResult = z.infer<typeof ZTestConnectionResult>;

export const ZSlotRow = z.object({
  slot: z.number(),
  description: z.string(),
  label: z.string().nullable(),
  serial: z.string().nullable(),
  status: z.enum(["Present", "Not present"]),
});

export const ZListSlotsResult = z.object({
  id: z.string(),
  name: z.string(),
  servers: z.array(
    z.object({
      serverId: z.string(),
      server: z.string(),
      error: z.string().nullable(),
      slots: z.array(ZSlotRow),
    }),
  ),
});
export type ListSlotsResult = z.infer<typeof ZListSlotsResult>;

export const ZAccessState = z.object({
  serverId: z.string(),
  server: z.string(),
  open: z.boolean(),
  node: z.string().nullable(),
  openedBy: z.string().nullable(),
  since: z.string().nullable(),
  closedBy: z.string().nullable(),
  closedAt: z.string().nullable(),
});

export const ZAccessResult = z.object({
  id: z.string(),
  name: z.string(),
  states: z.array(ZAccessState),
  /** "already open" / "already closed" notes: not errors. */
  notes: z.array(z.string()),
});
export type AccessResult = z.infer<typeof ZAccessResult>;

export const ZHaMember = z.object({
  server: z.string(),
  reachable: z.boolean(),
  loggedIn: z.boolean(),
  latencyMs: z.number(),
  lastError: z.string().nullable(),
  missingKeys: z.array(z.string()),
});

export const ZHaStatus = z.object({
  id: z.string(),
  name: z.string(),
  isHa: z.boolean(),
  haGroupNum: z.string().nullable(),
  serverCount: z.number(),
  members: z.array(ZHaMember),
  /** Why HA cannot be used, when it cannot. */
  problem: z.string().nullable(),
  /** Members on which HA keys would be cloneable (measured); HA there needs `allowCloneable`. */
  cloneableMembers: z.array(z.string()),
  cloneableMeaning: z.string(),
  replicated: z.array(z.object({ idHex: z.string(), to: z.array(z.string()), failed: z.array(z.string()) })),
});
export type HaStatus = z.infer<typeof ZHaStatus>;

export const ZGroupActionInput = ZIdInput;

/** "Set up HA"; `allowCloneable` is the admin's explicit acceptance of cloneable keys. */
export const ZSetUpHaInput = ZIdInput.extend({ allowCloneable: z.boolean().optional() });

/** The tenant's groups, for the connection page's group switcher. */
export const ZGroupChoice = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  servers: z.number(),
});

/** Health of each member as measured now: the list page's column. */
export const ZMemberHealth = z.object({
  server: z.string(),
  reachable: z.boolean(),
  loggedIn: z.boolean(),
  latencyMs: z.number().nullable(),
  lastError: z.string().nullable(),
});
export const ZGroupHealth = z.object({ id: z.string(), members: z.array(ZMemberHealth) });
