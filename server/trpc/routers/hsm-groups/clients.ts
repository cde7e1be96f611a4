import { z } from "zod";
import { ZIdInput } from "@/lib/schemas/common";
import {
  ZClientCertificate,
  ZClientCertificateInput,
  ZClientsPage,
  ZServerCertStatus,
} from "@/lib/schemas/hsm-client";
import { clientCertificateByName, getClientsPage } from "@/server/services/hsm-groups/clients-page";
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

/** `<client>.pem` by client name, as the download page hands it out (REST/CLI: clientcert). */
export const clientCertificate = protectedProcedure
  .input(ZClientCertificateInput)
  .output(ZClientCertificate)
  .query(({ ctx, input }) => clientCertificateByName(ctx.db, ctx.actor, input.id, input.client));
