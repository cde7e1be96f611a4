import { z } from "zod";
import {
  ZAttachPoolInput,
  ZPool,
  ZPoolInput,
  ZUpdatePoolInput,
  ZUpdateVsVipInput,
  ZVsVip,
  ZVsVipInput,
} from "@/lib/schemas/avi-objects";
import { ZIdInput } from "@/lib/schemas/common";
import {
  attachPool,
  createPool,
  listPools,
  removePool,
  updatePool,
} from "@/server/services/avi-objects/pools";
import { createVsVip, listVsVips, removeVsVip, updateVsVip } from "@/server/services/avi-objects/vsvips";
import { changeProcedure, protectedProcedure, router } from "../../init";

const removed = z.object({ id: z.string(), name: z.string() });

/** Avi's Pool objects (issue #18): made before the VS that takes them. */
export const poolsRouter = router({
  list: protectedProcedure.output(z.array(ZPool)).query(({ ctx }) => listPools(ctx.db, ctx.actor)),
  create: changeProcedure("operations")
    .meta({ objectType: "pool" })
    .input(ZPoolInput)
    .output(ZPool)
    .mutation(({ ctx, input }) => createPool(ctx.db, ctx.actor, input)),
  update: changeProcedure("operations")
    .meta({ objectType: "pool" })
    .input(ZUpdatePoolInput)
    .output(ZPool)
    .mutation(({ ctx, input }) => updatePool(ctx.db, ctx.actor, input)),
  attach: changeProcedure("operations")
    .meta({ objectType: "pool" })
    .input(ZAttachPoolInput)
    .output(ZPool)
    .mutation(({ ctx, input }) => attachPool(ctx.db, ctx.actor, input)),
  remove: changeProcedure("operations")
    .meta({ objectType: "pool" })
    .input(ZIdInput)
    .output(removed)
    .mutation(({ ctx, input }) => removePool(ctx.db, ctx.actor, input.id)),
});

/** Avi's VsVip objects: named VIP addresses. */
export const vsVipsRouter = router({
  list: protectedProcedure.output(z.array(ZVsVip)).query(({ ctx }) => listVsVips(ctx.db, ctx.actor)),
  create: changeProcedure("operations")
    .meta({ objectType: "vsvip" })
    .input(ZVsVipInput)
    .output(ZVsVip)
    .mutation(({ ctx, input }) => createVsVip(ctx.db, ctx.actor, input)),
  update: changeProcedure("operations")
    .meta({ objectType: "vsvip" })
    .input(ZUpdateVsVipInput)
    .output(ZVsVip)
    .mutation(({ ctx, input }) => updateVsVip(ctx.db, ctx.actor, input)),
  remove: changeProcedure("operations")
    .meta({ objectType: "vsvip" })
    .input(ZIdInput)
    .output(removed)
    .mutation(({ ctx, input }) => removeVsVip(ctx.db, ctx.actor, input.id)),
});
