import { z } from "zod";
import { ZId } from "./common";

export const SE_STATE_LABELS = {
  starting: "starting",
  running: "running",
  "restart-required": "restart required",
  failed: "failed",
  stopped: "stopped",
} as const;

export const ZServiceEngine = z.object({
  id: z.string(),
  name: z.string(),
  nodeName: z.string(),
  managementIp: z.string(),
  state: z.enum(["starting", "running", "restart-required", "failed", "stopped"]),
  stateReason: z.string().nullable(),
  stateSince: z.string(),
  /** HSM client registration of this SE on each server of the referenced network HSM group. */
  registration: z.string().nullable(),
});
export type ServiceEngineView = z.infer<typeof ZServiceEngine>;

export const ZServiceEngineGroup = z.object({
  id: z.string(),
  name: z.string(),
  hsmGroupId: z.string().nullable(),
  hsmGroupName: z.string().nullable(),
  seCount: z.number(),
  serviceEngines: z.array(ZServiceEngine),
});
export type ServiceEngineGroupView = z.infer<typeof ZServiceEngineGroup>;

export const ZUpdateSeGroupInput = z.object({
  id: ZId,
  /** The document's hardwaresecuritymodulegroup_ref; empty string or null = none. */
  hsmGroupId: z
    .union([ZId, z.literal(""), z.null()])
    .transform((v) => (v ? v : null))
    .optional(),
  seCount: z
    .number({ message: "Enter a number." })
    .int("Enter a whole number.")
    .min(1, "A group runs at least 1 service engine.")
    .max(4, "At most 4 service engines per group on one console node.")
    .optional(),
});
export type UpdateSeGroupInput = z.input<typeof ZUpdateSeGroupInput>;

export const ZHsmGroupChoice = z.object({ id: z.string(), name: z.string(), type: z.string() });
