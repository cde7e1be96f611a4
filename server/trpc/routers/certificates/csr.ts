import { z } from "zod";
import { ZRenewInput, ZUploadSignedInput } from "@/lib/schemas/certificate";
import { renewCertificate, uploadSignedCertificate } from "@/server/services/certificates/csr-workflow";
import { securityChange } from "./shared";

export const uploadSigned = securityChange
  .input(ZUploadSignedInput)
  .output(z.object({ id: z.string(), name: z.string(), status: z.literal("active") }))
  .mutation(({ ctx, input }) => uploadSignedCertificate(ctx.db, ctx.actor, input));

/** A new CSR for the same key, or a new CSR certificate with a new key. */
export const renew = securityChange
  .input(ZRenewInput)
  .output(z.object({ id: z.string(), name: z.string(), csrPem: z.string().nullable() }))
  .mutation(({ ctx, input }) => renewCertificate(ctx.db, ctx.actor, input.id, input.newKey));
