import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError, type AppErrorCode, ERROR_STATUS } from "@/lib/errors";
import { errorResponse } from "@/server/http/error-response";
import type { Context } from "./context";
import { trpcResponseMeta } from "./errors";
import { publicProcedure, router as makeRouter } from "./init";

/**
 * tRPC and REST answer every AppError code with the same HTTP status (ERROR_STATUS), through the
 * console's own procedure base (init.ts), error formatter (t.ts) and response meta (handler.ts
 * uses trpcResponseMeta).
 */
const router = makeRouter({
  fail: publicProcedure.input(z.object({ code: z.string() })).query(({ input }) => {
    throw new AppError(input.code as AppErrorCode, `refused with ${input.code}`);
  }),
  ok: publicProcedure.query(() => "fine"),
});

function trpcCall(path: string): Promise<Response> {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: new Request(`https://console.test/api/trpc/${path}`),
    router,
    createContext: () => ({}) as Context,
    responseMeta: trpcResponseMeta,
  });
}

const failPath = (code: string) => `fail?input=${encodeURIComponent(JSON.stringify({ code }))}`;

describe("one status table for tRPC and REST", () => {
  it("HSM_PIN_LOCKED is 423 both ways", async () => {
    const viaTrpc = await trpcCall(failPath("HSM_PIN_LOCKED"));
    const viaRest = errorResponse(new AppError("HSM_PIN_LOCKED", "The partition's PIN is locked."));
    expect(viaTrpc.status).toBe(423);
    expect(viaRest.status).toBe(423);
    const body = (await viaTrpc.json()) as { error: { data: { appCode: string; httpStatus: number } } };
    expect(body.error.data).toMatchObject({ appCode: "HSM_PIN_LOCKED", httpStatus: 423 });
    expect(((await viaRest.json()) as { error: { code: string } }).error.code).toBe("HSM_PIN_LOCKED");
  });

  it.each(Object.keys(ERROR_STATUS))("%s: the same status from tRPC as from REST", async (code) => {
    const viaTrpc = await trpcCall(failPath(code));
    const viaRest = errorResponse(new AppError(code as AppErrorCode, "refused"));
    expect(viaTrpc.status).toBe(ERROR_STATUS[code as AppErrorCode]);
    expect(viaRest.status).toBe(viaTrpc.status);
  });

  it("a batch answers one status when its calls agree, 207 when they differ", async () => {
    const batch = (calls: Array<[string, unknown]>) =>
      fetchRequestHandler({
        endpoint: "/api/trpc",
        req: new Request(
          `https://console.test/api/trpc/${calls.map(([p]) => p).join(",")}?batch=1&input=${encodeURIComponent(
            JSON.stringify(Object.fromEntries(calls.map(([, input], i) => [i, input]))),
          )}`,
        ),
        router,
        createContext: () => ({}) as Context,
        responseMeta: trpcResponseMeta,
      });
    const locked = { code: "HSM_PIN_LOCKED" };
    expect(
      (
        await batch([
          ["fail", locked],
          ["fail", locked],
        ])
      ).status,
    ).toBe(423);
    expect(
      (
        await batch([
          ["fail", locked],
          ["ok", undefined],
        ])
      ).status,
    ).toBe(207);
  });
});
