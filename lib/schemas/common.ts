import { z } from "zod";

export const ZId = z.uuid({ message: "Not a valid identifier." });
export const ZIdInput = z.object({ id: ZId });

/** Names of configuration objects: what Avi accepts, minus characters that break CLIs and file names. */
export const ZObjectName = z
  .string()
  .trim()
  .min(1, "Enter a name.")
  .max(64, "Use at most 64 characters.")
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    "Use letters, digits, dot, dash and underscore, starting with a letter or digit.",
  );

export const ZPageInput = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(100).default(25),
});
