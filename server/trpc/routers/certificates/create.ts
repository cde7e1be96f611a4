import { ZCertificate, ZCreateCertificateInput } from "@/lib/schemas/certificate";
import { createCertificate } from "@/server/services/certificates/create-certificate";
import { toCertificate } from "@/server/services/certificates/to-certificate";
import { securityChange } from "./shared";

/** Answers at once with the "creating" row; the key and certificate are made in the background. */
export const create = securityChange
  .input(ZCreateCertificateInput)
  .output(ZCertificate)
  .mutation(async ({ ctx, input }) => {
    const { row, completion } = await createCertificate(ctx.db, ctx.actor, input);
    completion.catch((error) => console.error(`[certificates] creating "${row.name}" failed:`, error));
    return toCertificate(row, null, []);
  });
