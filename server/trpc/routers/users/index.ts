import { z } from "zod";
import { ZIdInput } from "@/lib/schemas/common";
import { ZCreateUserInput, ZUpdateUserInput, ZUser } from "@/lib/schemas/users";
import { createUser } from "@/server/services/users/create-user";
import { deleteUser } from "@/server/services/users/delete-user";
import { listUsers } from "@/server/services/users/list-users";
import { updateUser } from "@/server/services/users/update-user";
import { changeProcedure, protectedProcedure, router } from "../../init";

const admin = changeProcedure("administration").meta({ objectType: "user" });

export const usersRouter = router({
  list: protectedProcedure.output(z.array(ZUser)).query(({ ctx }) => listUsers(ctx.db, ctx.actor)),
  create: admin
    .input(ZCreateUserInput)
    .output(ZUser)
    .mutation(({ ctx, input }) => createUser(ctx.db, ctx.actor, input)),
  update: admin
    .input(ZUpdateUserInput)
    .output(ZUser)
    .mutation(({ ctx, input }) => updateUser(ctx.db, ctx.actor, input)),
  remove: admin
    .input(ZIdInput)
    .output(z.object({ id: z.string(), username: z.string() }))
    .mutation(({ ctx, input }) => deleteUser(ctx.db, ctx.actor, input.id)),
});
