import { z } from "zod";
import { ZId } from "./common";

/** Administration > Settings > Console certificate: a certificate with its key in Local-SoftHSM, or none (file). */
export const ZChooseConsoleCertificateInput = z.object({
  certificateId: ZId.nullable(),
});
export type ChooseConsoleCertificateInput = z.infer<typeof ZChooseConsoleCertificateInput>;

export const ZConsoleCertificateChoice = z.object({
  id: z.string(),
  name: z.string(),
  subjectCn: z.string().nullable(),
  notAfter: z.string().nullable(),
  fingerprint: z.string().nullable(),
});

export const ZConsoleTlsStatus = z.object({
  serving: z
    .object({
      kind: z.enum(["hsm", "file"]),
      certificateId: z.string().nullable(),
      fingerprint: z.string(),
      reason: z.string(),
      since: z.string(),
    })
    .nullable(),
  chosen: z
    .object({
      certificateId: z.string(),
      certificateName: z.string(),
      chosenBy: z.string(),
      chosenAt: z.string(),
    })
    .nullable(),
  choices: z.array(ZConsoleCertificateChoice),
});
export type ConsoleTlsStatusOutput = z.infer<typeof ZConsoleTlsStatus>;
