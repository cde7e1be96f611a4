import type { UseFormReturn } from "react-hook-form";
import type { z } from "zod";
import { ZUpdateVirtualServiceInput } from "@/lib/schemas/virtual-services";

/** One schema for create and edit: create sends it without id. */
export const ZVsForm = ZUpdateVirtualServiceInput.partial({ id: true });
export type VsFormInput = z.input<typeof ZVsForm>;
/** The wizard's form, as the field groups (ports, pool) receive it. */
export type VsForm = UseFormReturn<VsFormInput, unknown, z.output<typeof ZVsForm>>;
