import { z } from "zod";
import { ZIdInput } from "@/lib/schemas/common";
import { ZHsmPackage } from "@/lib/schemas/hsm-packages";
import { deleteHsmPackage, listHsmPackages } from "@/server/services/hsm-packages/list-packages";
import { changeProcedure, protectedProcedure, router } from "../../init";

/** Uploads go through the route handler app/api/fileservice/hsmpackages (a streamed body). */
export const hsmPackagesRouter = router({
  list: protectedProcedure
    .output(z.array(ZHsmPackage))
    .query(({ ctx }) => listHsmPackages(ctx.db, ctx.actor)),
  remove: changeProcedure("security")
    .meta({ objectType: "hsmPackage" })
    .input(ZIdInput)
    .output(z.object({ id: z.string(), name: z.string() }))
    .mutation(({ ctx, input }) => deleteHsmPackage(ctx.db, ctx.actor, input.id)),
});
