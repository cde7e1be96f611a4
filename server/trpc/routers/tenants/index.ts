import { z } from "zod";
import { ZCreateTenantInput, ZTenant } from "@/lib/schemas/users";
import { createTenant, listTenants } from "@/server/services/tenants/tenants";
import { changeProcedure, protectedProcedure, router } from "../../init";

export const tenantsRouter = router({
  list: protectedProcedure.output(z.array(ZTenant)).query(({ ctx }) => listTenants(ctx.db, ctx.actor)),
  create: changeProcedure("administration")
    .meta({ objectType: "tenant" })
    .input(ZCreateTenantInput)
    .output(ZTenant)
    .mutation(({ ctx, input }) => createTenant(ctx.db, ctx.actor, input)),
});
