import { z } from "zod";
import { ZIdInput } from "@/lib/schemas/common";
import { ZClientsPage, ZServerCertStatus } from "@/lib/schemas/hsm-client";
import { getClientsPage } from "@/server/services/hsm-groups/clients-page";
import { serverCertStatus } from "@/server/services/hsm-groups/server-cert-probe";
import { protectedProcedure } from "../../init";

export const clients = protectedProcedure
  .input(ZIdInput)
  .output(ZClientsPage)
  .query(({ ctx, input }) => getClientsPage(ctx.db, ctx.actor, input.id));

/** Pinned server.pem versus what each appliance presents now. */
export const serverCerts = protectedProcedure
  .input(ZIdInput)
  .output(z.array(ZServerCertStatus))
  .query(({ ctx, input }) => serverCertStatus(ctx.db, ctx.actor, input.id));
