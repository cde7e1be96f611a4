import { z } from "zod";
import { ZIdInput } from "@/lib/schemas/common";
import {
  ZCertificateChoice,
  ZSeGroupChoice,
  ZUpdateVirtualServiceInput,
  ZVirtualService,
  ZVirtualServiceInput,
  ZVirtualServiceTestResult,
} from "@/lib/schemas/virtual-services";
import { echoAddress } from "@/server/services/service-engines/start";
import {
  getVirtualService,
  listVirtualServices,
  virtualServiceChoices,
} from "@/server/services/virtual-services/list";
import {
  createVirtualService,
  deleteVirtualService,
  updateVirtualService,
} from "@/server/services/virtual-services/save";
import { testVirtualService } from "@/server/services/virtual-services/test-service";
import { changeProcedure, protectedProcedure, router } from "../../init";

const operations = changeProcedure("operations").meta({ objectType: "virtual-service" });

export const virtualServicesRouter = router({
  list: protectedProcedure
    .output(z.array(ZVirtualService))
    .query(({ ctx }) => listVirtualServices(ctx.db, ctx.actor)),
  get: protectedProcedure
    .input(ZIdInput)
    .output(ZVirtualService)
    .query(({ ctx, input }) => getVirtualService(ctx.db, ctx.actor, input.id)),
  /** The wizard's drop-downs and the built-in echo pool server hint. */
  choices: protectedProcedure
    .output(
      z.object({
        certificates: z.array(ZCertificateChoice),
        seGroups: z.array(ZSeGroupChoice),
        echoServer: z.string().nullable(),
      }),
    )
    .query(async ({ ctx }) => ({
      ...(await virtualServiceChoices(ctx.db, ctx.actor)),
      echoServer: echoAddress(),
    })),
  create: operations
    .input(ZVirtualServiceInput)
    .output(ZVirtualService)
    .mutation(({ ctx, input }) => createVirtualService(ctx.db, ctx.actor, input)),
  update: operations
    .input(ZUpdateVirtualServiceInput)
    .output(ZVirtualService)
    .mutation(({ ctx, input }) => updateVirtualService(ctx.db, ctx.actor, input)),
  remove: operations
    .input(ZIdInput)
    .output(z.object({ id: z.string(), name: z.string() }))
    .mutation(({ ctx, input }) => deleteVirtualService(ctx.db, ctx.actor, input.id)),
  /** A real HTTPS request to the VIP (read-only for the configuration, so any signed-in role). */
  test: protectedProcedure
    .input(ZIdInput)
    .output(ZVirtualServiceTestResult)
    .mutation(({ ctx, input }) => testVirtualService(ctx.db, ctx.actor, input.id)),
});
