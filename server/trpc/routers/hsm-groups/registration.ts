import { z } from "zod";
import { ZIdInput } from "@/lib/schemas/common";
import {
  ZRegisterAutomaticallyInput,
  ZRegisterResult,
  ZRotateClientInput,
  ZTrustServerCertInput,
} from "@/lib/schemas/hsm-client";
import { checkRegistrations } from "@/server/services/hsm-groups/check-registrations";
import { registerAutomatically } from "@/server/services/hsm-groups/register-automatically";
import { rotateClientCert } from "@/server/services/hsm-groups/rotate-client-cert";
import { trustServerCert as trustServerCertService } from "@/server/services/hsm-groups/server-cert-probe";
import { changeProcedure } from "../../init";

const security = changeProcedure("security").meta({ objectType: "hsm-group" });

export const checkNow = security
  .input(ZIdInput)
  .output(z.object({ id: z.string(), name: z.string(), checked: z.number() }))
  .mutation(({ ctx, input }) => checkRegistrations(ctx.db, ctx.actor, input.id));

export const registerClients = security
  .input(ZRegisterAutomaticallyInput)
  .output(ZRegisterResult)
  .mutation(({ ctx, input }) => registerAutomatically(ctx.db, ctx.actor, input));

export const rotateClient = security
  .input(ZRotateClientInput)
  .output(z.object({ id: z.string(), name: z.string(), clientId: z.string(), fingerprint: z.string() }))
  .mutation(({ ctx, input }) => rotateClientCert(ctx.db, ctx.actor, input));

export const trustServerCert = security
  .input(ZTrustServerCertInput)
  .output(z.object({ id: z.string(), name: z.string(), fingerprint: z.string() }))
  .mutation(({ ctx, input }) => trustServerCertService(ctx.db, ctx.actor, input));
