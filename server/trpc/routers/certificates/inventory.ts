import { z } from "zod";
import { ZInventory, ZInventoryInput, ZRemoveOrphanInput } from "@/lib/schemas/certificate";
import {
  groupInventory,
  removeOrphan as serviceRemoveOrphan,
} from "@/server/services/certificates/inventory";
import { protectedProcedure } from "../../init";
import { securityChange } from "./shared";

export const inventory = protectedProcedure
  .input(ZInventoryInput)
  .output(ZInventory)
  .query(({ ctx, input }) => groupInventory(ctx.db, ctx.actor, input.hsmGroupId));

export const removeOrphan = securityChange
  .input(ZRemoveOrphanInput)
  .output(z.object({ id: z.string(), name: z.string(), idHex: z.string(), removedFrom: z.array(z.string()) }))
  .mutation(({ ctx, input }) => serviceRemoveOrphan(ctx.db, ctx.actor, input.hsmGroupId, input.idHex));
