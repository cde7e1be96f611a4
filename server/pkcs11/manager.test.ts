import { afterAll, describe, expect, it } from "vitest";
import { closeAllConnections, getConnection, listConnections, pkcs11 } from "./index";
import { softHsmFixture, USER_PIN } from "./testing/fixtures";

afterAll(() => closeAllConnections());

describe("connection manager (globalThis cache)", () => {
  it("returns the same connection for the same spec, replaces it when the spec changes", async () => {
    const a = getConnection({ name: "m1", libraryPath: "/nonexistent.so" });
    expect(getConnection({ name: "m1", libraryPath: "/nonexistent.so" })).toBe(a);
    const symbol = Symbol.for("hsm-console.pkcs11.manager");
    expect(
      (globalThis as Record<symbol, { connections: Map<string, unknown> }>)[symbol]?.connections.get("m1"),
    ).toBe(a);
    const b = getConnection({ name: "m1", libraryPath: "/other.so" });
    expect(b).not.toBe(a);
    expect(listConnections()).toContain(b);
  });

  it("a library that cannot be loaded is an HSM error, not a crash of the caller", async () => {
    await expect(
      pkcs11({ name: "broken", libraryPath: "/nonexistent/libnothing.so" }).listSlots(),
    ).rejects.toMatchObject({
      code: "HSM_ERROR",
      message: expect.stringContaining("could not be loaded"),
    });
  });

  it("the facade works end to end", async () => {
    const hsm = await softHsmFixture(["facade"]);
    try {
      const client = pkcs11(hsm.spec("facade"));
      await client.login({ label: "facade" }, USER_PIN);
      const key = await client.generateKeyPair({
        token: { label: "facade" },
        idHex: "f00d",
        label: "k",
        spec: { type: "EC", curve: "P-256" },
      });
      expect(key.uri).toBe("pkcs11:token=facade;id=%f0%0d;object=k;type=private");
      expect(pkcs11(hsm.spec("facade")).connection).toBe(client.connection);
    } finally {
      await closeAllConnections();
      await hsm.cleanup();
    }
  });
});
