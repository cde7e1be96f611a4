import { z } from "zod";

export const NODE_STATE_LABELS = { up: "up", down: "down", stopped: "stopped" } as const;

export const ZClusterNode = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string(),
  version: z.string(),
  state: z.enum(["up", "down", "stopped"]),
  startedAt: z.string(),
  lastHeartbeatAt: z.string(),
  secondsSinceHeartbeat: z.number(),
  /** The node you are talking to. */
  self: z.boolean(),
  /** The HSM client identity it uses on appliances (its client certificate's CN, and its IP). */
  hsmClientName: z.string(),
  hsmClientIp: z.string(),
  /** Service engines this node supervises (of your tenant, or all for the admin tenant). */
  serviceEngines: z.array(z.object({ id: z.string(), name: z.string(), state: z.string() })),
});
export type ClusterNodeView = z.infer<typeof ZClusterNode>;
