import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CrashConsole, crashRound, KILL_POINTS, prepareCrashConsole } from "./testing/crash-round";

/**
 * Power loss in the middle of key generation: the process that creates a certificate is killed
 * with its PKCS#11 workers (SIGKILL to the process group) at each kill point, which the child
 * reaches deterministically through a hook (service points) or a worker test point (inside the
 * token call, during replication to the second member). Then "restart" on the same data folder and
 * tokens: the reconciler runs just past the creation deadline (orphan grace 1 s). Each round must leave no row in a
 * transient state, no console object that no live certificate accounts for in any member, the row
 * resolved as expected (finished when the key pair was whole everywhere, failed otherwise), and a
 * token on which a new key can be generated and used.
 */
describe("crash during certificate creation", () => {
  let console_: CrashConsole & { cleanup(): Promise<void> };

  beforeAll(async () => {
    process.env.HSM_CONSOLE_ORPHAN_GRACE_SECONDS = "1";
    console_ = await prepareCrashConsole();
  }, 120_000);
  afterAll(async () => {
    delete process.env.HSM_CONSOLE_ORPHAN_GRACE_SECONDS;
    await console_?.cleanup();
  });

  KILL_POINTS.forEach((kp, round) => {
    it(`killed at ${kp.point} (${kp.kind}, ${kp.group} group): resolved to ${kp.expect ?? "no row"}, nothing left`, {
      timeout: 180_000,
    }, async () => {
      const result = await crashRound(console_, kp, round);
      expect(result).toMatchObject({
        killed: true,
        status: kp.expect,
        transientRows: 0,
        strayObjects: [],
        usable: true,
        clean: true,
      });
    });
  });
});
