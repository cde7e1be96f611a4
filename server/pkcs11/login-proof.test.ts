import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pkcs11Client } from "./client";
import { clientFor, type SoftHsmFixture, softHsmFixture, USER_PIN } from "./testing/fixtures";

/**
 * CKR_USER_ALREADY_LOGGED_IN says the application is logged in, not that this password is right:
 * it proves a login only to the token state that logged in itself with that password.
 */
describe("a login is proven by the password, not by the token's login state", () => {
  let hsm: SoftHsmFixture;
  let client: Pkcs11Client;

  beforeAll(async () => {
    hsm = await softHsmFixture(["proof"]);
    client = clientFor(hsm.spec("login-proof"));
  }, 60_000);

  afterAll(async () => {
    await client?.connection.close();
    await hsm?.cleanup();
  });

  it("refuses an unproven password on a token already logged in, and keeps the accepted one", async () => {
    const byLabel = { label: "proof" };
    const bySerial = { label: "proof", serial: hsm.tokens[0]!.serial };
    await expect(client.login(byLabel, USER_PIN)).resolves.toMatchObject({ loginCalled: true });
    // Same token reached through another reference: the token answers "already logged in".
    const error = await client.login(bySerial, "not-the-pin").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "HSM_LOGIN_UNPROVEN" });
    expect((error as Error).message).toMatch(/already logged in.*another/i);
    // The accepted password is still the one used after a worker restart.
    process.kill(client.connection.workerPid!, "SIGKILL");
    while (client.connection.workerPid !== undefined) await new Promise((r) => setTimeout(r, 20));
    await expect(client.findKeys(byLabel)).resolves.toEqual(expect.any(Array));
    // The right password through the other reference is proven by the stored one.
    await expect(client.login(bySerial, USER_PIN)).resolves.toMatchObject({ alreadyLoggedIn: true });
  }, 60_000);
});
