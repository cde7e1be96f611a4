import { z } from "zod";
import { ZKeyHolders, ZKeyOptions, ZKeyOptionsInput } from "@/lib/schemas/certificate";
import { ZIdInput } from "@/lib/schemas/common";
import {
  hsmGroupChoices as serviceGroupChoices,
  keyOptions as serviceKeyOptions,
} from "@/server/services/certificates/key-options";
import { keyHolders as serviceKeyHolders } from "@/server/services/certificates/test-key";
import { protectedProcedure } from "../../init";

/** The create form's HSM group choice. */
export const hsmGroupChoices = protectedProcedure
  .output(z.array(z.object({ id: z.string(), name: z.string() })))
  .query(({ ctx }) => serviceGroupChoices(ctx.db, ctx.actor));

/** Key types offered for a group: what every member's token can generate. */
export const keyOptions = protectedProcedure
  .input(ZKeyOptionsInput)
  .output(ZKeyOptions)
  .query(({ ctx, input }) => serviceKeyOptions(ctx.db, ctx.actor, input.hsmGroupId));

export const keyHolders = protectedProcedure
  .input(ZIdInput)
  .output(ZKeyHolders)
  .query(({ ctx, input }) => serviceKeyHolders(ctx.db, ctx.actor, input.id));
