import { ZBackupContents } from "@/lib/schemas/backup";
import { backupContents } from "@/server/services/backup/backup-contents";
import { changeProcedure, router } from "../../init";

/** Administration > Backup. The archive itself is POST /api/fileservice/backup (server/http). */
export const backupRouter = router({
  contents: changeProcedure("administration")
    .output(ZBackupContents)
    .query(({ ctx }) => backupContents(ctx.actor)),
});
