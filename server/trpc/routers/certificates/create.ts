import { ZCertificate, ZCreateCertificateInput } from "@/lib/schemas/certificate";
import { errorFields, log } from "@/server/observability/logger";
import { createCertificate } from "@/server/services/certificates/create-certificate";
import { toCertificate } from "@/server/services/certificates/to-certificate";
import { securityChange } from "./shared";

/** Answers at once with the "creating" row; the key and certificate are made in the background. */
export const create = securityChange
  .input(ZCreateCertificateInput)
  .output(ZCertificate)
  .mutation(async ({ ctx, input }) => {
    const { row, completion } = await createCertificate(ctx.db, ctx.actor, input);
    completion.catch((error) =>
      log("certificates").error({
        ...errorFields(error, true),
        certificate: row.name,
        msg: "creation failed",
      }),
    );
    return toCertificate(row, null, []);
  });
