import { z } from "zod";
import {
  ZAccessResult,
  ZGroupActionInput,
  ZGroupChoice,
  ZHaStatus,
  ZListSlotsResult,
  ZTestConnectionResult,
} from "@/lib/schemas/hsm-group-actions";
import {
  accessState,
  closeAccess,
  openAccess,
} from "@/server/services/hsm-groups/connection/application-access";
import { groupChoices } from "@/server/services/hsm-groups/connection/group-choices";
import { haStatus, setUpHa, synchronise } from "@/server/services/hsm-groups/connection/high-availability";
import { listSlots } from "@/server/services/hsm-groups/connection/list-slots";
import { testConnection } from "@/server/services/hsm-groups/connection/test-connection";
import { changeProcedure, protectedProcedure, router } from "../../init";

/**
 * The connection actions of an HSM group (the document's safenet.py / sautil / vtl steps).
 * Test connection and List slots change nothing but the partition serial, yet they talk to the
 * HSMs and log in: they are security mutations (audited), not queries that refetch on focus.
 */
const security = changeProcedure("security").meta({ objectType: "hsmGroup" });

export const hsmGroupActionsRouter = router({
  groups: protectedProcedure
    .output(z.array(ZGroupChoice))
    .query(({ ctx }) => groupChoices(ctx.db, ctx.actor)),
  testConnection: security
    .input(ZGroupActionInput)
    .output(ZTestConnectionResult)
    .mutation(({ ctx, input }) => testConnection(ctx.db, ctx.actor, input.id)),
  listSlots: security
    .input(ZGroupActionInput)
    .output(ZListSlotsResult)
    .mutation(({ ctx, input }) => listSlots(ctx.db, ctx.actor, input.id)),
  accessState: protectedProcedure
    .input(ZGroupActionInput)
    .output(ZAccessResult)
    .query(({ ctx, input }) => accessState(ctx.db, ctx.actor, input.id)),
  openAccess: security
    .input(ZGroupActionInput)
    .output(ZAccessResult)
    .mutation(({ ctx, input }) => openAccess(ctx.db, ctx.actor, input.id)),
  closeAccess: security
    .input(ZGroupActionInput)
    .output(ZAccessResult)
    .mutation(({ ctx, input }) => closeAccess(ctx.db, ctx.actor, input.id)),
  haStatus: security
    .input(ZGroupActionInput)
    .output(ZHaStatus)
    .mutation(({ ctx, input }) => haStatus(ctx.db, ctx.actor, input.id)),
  setUpHa: security
    .input(ZGroupActionInput)
    .output(ZHaStatus)
    .mutation(({ ctx, input }) => setUpHa(ctx.db, ctx.actor, input.id)),
  synchronise: security
    .input(ZGroupActionInput)
    .output(ZHaStatus)
    .mutation(({ ctx, input }) => synchronise(ctx.db, ctx.actor, input.id)),
});
