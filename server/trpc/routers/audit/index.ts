import { ZAuditListInput, ZAuditPage } from "@/lib/schemas/audit";
import { listAudit } from "@/server/services/audit/list-audit";
import { protectedProcedure, router } from "../../init";

export const auditRouter = router({
  list: protectedProcedure
    .input(ZAuditListInput)
    .output(ZAuditPage)
    .query(({ ctx, input }) => listAudit(ctx.db, ctx.actor, input)),
});
