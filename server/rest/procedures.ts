import "server-only";
import type { z } from "zod";
import type { Context } from "@/server/trpc/context";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/router";

interface ProcedureDef {
  type: "query" | "mutation" | "subscription";
  inputs: z.ZodType[];
  output?: z.ZodType;
}

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: ProcedureDef }>;

/** A procedure's definition (type and zod schemas), or undefined when the path names none. */
export function procedureDef(path: string): ProcedureDef | undefined {
  return Object.hasOwn(procedures, path) ? procedures[path]?._def : undefined;
}

const createCaller = createCallerFactory(appRouter);

/**
 * Calls a procedure exactly as the tRPC route would (same middlewares: authentication, role,
 * audit, error conversion), with a context built from the REST request.
 */
export async function callProcedure(ctx: Context, path: string, input: unknown): Promise<unknown> {
  let target: unknown = createCaller(ctx);
  for (const key of path.split(".")) target = (target as Record<string, unknown>)[key];
  return (target as (input: unknown) => Promise<unknown>)(input);
}
