import { z } from "zod";
import {
  ZImportCertificateInput,
  ZReferenceCertificateInput,
  ZValidateImportInput,
  ZValidateResult,
} from "@/lib/schemas/certificate";
import {
  importCertificate,
  validateCertificateImport,
} from "@/server/services/certificates/import-certificate";
import { referenceCertificate } from "@/server/services/certificates/reference-certificate";
import { securityChange } from "./shared";

/** "Validate": findings only, nothing stored. */
export const validateImport = securityChange
  .input(ZValidateImportInput)
  .output(ZValidateResult)
  .mutation(({ input }) => validateCertificateImport(input));

export const importCertificate_ = securityChange
  .input(ZImportCertificateInput)
  .output(z.object({ id: z.string(), name: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const result = await importCertificate(ctx.db, ctx.actor, input);
    // The key existed outside the HSM: the audit entry says so.
    ctx.auditSubject.detail = { keyOrigin: "imported", hsmGroup: result.hsmGroupName ?? "none (database)" };
    return { id: result.id, name: result.name };
  });

export const reference = securityChange
  .input(ZReferenceCertificateInput)
  .output(z.object({ id: z.string(), name: z.string() }))
  .mutation(({ ctx, input }) => referenceCertificate(ctx.db, ctx.actor, input));
