import { z } from "zod";
import {
  ZChooseConsoleCertificateInput,
  ZConsoleCertificateChoice,
  ZConsoleTlsStatus,
} from "@/lib/schemas/console-tls";
import { chooseConsoleCertificate } from "@/server/services/console-tls/choose-console-certificate";
import {
  consoleTlsStatus,
  listConsoleCertificateChoices,
} from "@/server/services/console-tls/console-tls-status";
import { changeProcedure, router } from "../../init";

export const consoleTlsRouter = router({
  choices: changeProcedure("administration")
    .output(z.array(ZConsoleCertificateChoice))
    .query(({ ctx }) => listConsoleCertificateChoices(ctx.db, ctx.actor)),
  status: changeProcedure("administration")
    .output(ZConsoleTlsStatus)
    .query(({ ctx }) => consoleTlsStatus(ctx.db, ctx.actor)),
  choose: changeProcedure("administration")
    .meta({ objectType: "consoleCertificate" })
    .input(ZChooseConsoleCertificateInput)
    .output(z.object({ id: z.string().nullable(), name: z.string() }))
    .mutation(({ ctx, input }) => chooseConsoleCertificate(ctx.db, ctx.actor, input.certificateId)),
});
