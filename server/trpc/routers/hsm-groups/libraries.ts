import { z } from "zod";
import { ZOfferedLibrary } from "@/lib/schemas/hsm-group";
import { offeredLibraries } from "@/server/hsm/module-allow-list";
import { protectedProcedure } from "../../init";

/** The installation's PKCS#11 libraries (read-only: no call extends the list). */
export const libraries = protectedProcedure.output(z.array(ZOfferedLibrary)).query(() => offeredLibraries());
