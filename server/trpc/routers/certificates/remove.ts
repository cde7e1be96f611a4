import { z } from "zod";
import { ZTestKeyResult } from "@/lib/schemas/certificate";
import { ZIdInput } from "@/lib/schemas/common";
import { deleteCertificate } from "@/server/services/certificates/delete-certificate";
import { testCertificateKey } from "@/server/services/certificates/test-key";
import { securityChange } from "./shared";

export const remove = securityChange
  .input(ZIdInput)
  .output(z.object({ id: z.string(), name: z.string(), destroyedOn: z.array(z.string()) }))
  .mutation(({ ctx, input }) => deleteCertificate(ctx.db, ctx.actor, input.id));

/** Sign + verify with the key on every member that holds it. */
export const testKey = securityChange
  .input(ZIdInput)
  .output(ZTestKeyResult)
  .mutation(({ ctx, input }) => testCertificateKey(ctx.db, ctx.actor, input.id));
