import { z } from "zod";
import { ZId, ZObjectName } from "./common";
import { ZPoolServer, ZVirtualServiceInput } from "./virtual-services";

/**
 * Avi's Pool and VsVip as objects of their own (made before the VS that uses them). A pool may be
 * empty until servers are added; a VS refuses an empty pool when it takes it.
 */
export const ZPoolInput = z.object({
  name: ZObjectName,
  servers: z.array(ZPoolServer).max(256, "At most 256 pool servers per pool."),
});
export const ZUpdatePoolInput = ZPoolInput.extend({ id: ZId });
/** The VS takes the pool: its servers become the VS's pool, kept there from then on. */
export const ZAttachPoolInput = z.object({ id: ZId, virtualServiceId: ZId });

export const ZPool = z.object({
  id: z.string(),
  name: z.string(),
  servers: z.array(z.object({ host: z.string(), port: z.number() })),
  virtualServiceId: z.string().nullable(),
  virtualServiceName: z.string().nullable(),
});
export type PoolView = z.infer<typeof ZPool>;

export const ZVsVipInput = z.object({ name: ZObjectName, vip: ZVirtualServiceInput.shape.vip });
export const ZUpdateVsVipInput = ZVsVipInput.extend({ id: ZId });

export const ZVsVip = z.object({
  id: z.string(),
  name: z.string(),
  vip: z.string(),
  /** The virtual services whose VIP is this address. */
  virtualServices: z.array(z.object({ id: z.string(), name: z.string() })),
});
export type VsVipView = z.infer<typeof ZVsVip>;
