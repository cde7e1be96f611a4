import { ZParseServerCertInput, ZServerCertInfo } from "@/lib/schemas/hsm-group";
import { parseServerCertificate } from "@/server/certs";
import { protectedProcedure } from "../../init";

/** The form shows subject, fingerprint and expiry as soon as server.pem is pasted. */
export const parseServerCert = protectedProcedure
  .input(ZParseServerCertInput)
  .output(ZServerCertInfo)
  .query(({ input }) => {
    const s = parseServerCertificate(input.pem, new Date(), "serverCert");
    return { subject: s.subject.dn, fingerprint: s.fingerprints.sha256, notAfter: s.notAfter };
  });
