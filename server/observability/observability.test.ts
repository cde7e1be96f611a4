import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { resetEnvForTests } from "@/server/config/env";
import { setDbHandleForTests } from "@/server/db";
import { PEER_HEADER } from "@/server/http/peer-address";
import {
  closeAllConnections,
  createSoftHsmEnvironment,
  initSoftHsmToken,
  SOFTHSM_LIBRARY,
} from "@/server/pkcs11";
import { clientFor } from "@/server/pkcs11/testing/fixtures";
import { signIn } from "@/server/services/auth/sign-in";
import { settled } from "@/server/services/certificates/testing/observe";
import { allowLibraryFolder, forgetAllowedFolders } from "@/server/testing/allow-libraries";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { setLoggerForTests } from "./logger";
import { metricsRoute } from "./metrics-route";
import { observePkcs11 } from "./pkcs11-metrics";
import { runWithRequest } from "./request-context";

/** Secrets this file uses for real: none may appear in any log line. */
const SECRETS = {
  userPin: "obs-user-pin-Q7x2Lk9v",
  soPin: "obs-so-pin-Zr41MwTt",
  wrongPin: "obs-wrong-pin-Np5Ue3aa",
  password: "obs-user-password-Hk3Jq8Rm",
  wrongPassword: "obs-wrong-password-Vb8Yt2Ws",
  metricsToken: "obs-metrics-token-Cx9Le4Pd-Wm7",
};
const CLIENT = "127.0.160.9";

function value(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(series));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : 0;
}

describe("metrics and logs after real operations", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let hsmDir: string;
  let admin: SessionUser;
  const logged: string[] = [];
  let text = "";

  async function scrape(headers: Record<string, string> = {}) {
    return metricsRoute(new Request("https://console/metrics", { headers }));
  }

  beforeAll(async () => {
    dataDir = useTempDataDir();
    setLoggerForTests({ write: (line: string) => void logged.push(line) });
    observePkcs11();
    handle = await openTestDb();
    setDbHandleForTests(handle);
    admin = await seedUser(handle.db, { username: "obs-admin", password: SECRETS.password });
    hsmDir = fs.mkdtempSync(path.join(dataDir, "hsm-"));
    const { confPath } = await createSoftHsmEnvironment(hsmDir);
    await initSoftHsmToken({ confPath, label: "obs-part", soPin: SECRETS.soPin, userPin: SECRETS.userPin });
    allowLibraryFolder(hsmDir);
    const caller = callerFor(handle.db, admin, CLIENT).caller;
    const group = await caller.hsmGroups.create({
      name: "obs-hsm",
      type: "pkcs11-module",
      moduleLibrary: SOFTHSM_LIBRARY,
      moduleEnv: `SOFTHSM2_CONF=${confPath}`,
      servers: [{ partition: "obs-part", partitionPassword: SECRETS.userPin }],
    });
    // A real key generation and signature on the token, inside a request's context.
    await runWithRequest({ requestId: "obs-request-1" }, async () => {
      const created = await caller.certificates.create({
        name: "obs-cert",
        type: "self-signed",
        hsmGroupId: group.id,
        key: "EC-P-256",
        commonName: "obs.example.com",
        validityDays: 30,
      });
      const cert = await settled(handle.db, admin, created.id);
      expect(cert.status).toBe("active");
      await caller.certificates.testKey({ id: cert.id });
      // A wrong partition password on a connection of the same group: a real CKR_PIN_INCORRECT.
      const client = clientFor({
        name: "wrong-pin",
        group: group.id,
        libraryPath: SOFTHSM_LIBRARY,
        env: { SOFTHSM2_CONF: confPath },
      });
      await expect(client.login({ label: "obs-part" }, SECRETS.wrongPin)).rejects.toMatchObject({
        code: "HSM_PIN_INCORRECT",
      });
      await client.connection.close();
    });
    await expect(
      signIn(handle.db, { username: "obs-admin", password: SECRETS.wrongPassword }, CLIENT),
    ).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    process.env.HSM_CONSOLE_METRICS_TOKEN = SECRETS.metricsToken;
    resetEnvForTests();
    const answer = await scrape({ authorization: `Bearer ${SECRETS.metricsToken}` });
    expect(answer.status).toBe(200);
    text = await answer.text();
  }, 120_000);

  afterAll(async () => {
    delete process.env.HSM_CONSOLE_METRICS_TOKEN;
    delete process.env.HSM_CONSOLE_METRICS_ALLOW;
    resetEnvForTests();
    forgetAllowedFolders();
    setLoggerForTests(null);
    setDbHandleForTests(undefined);
    await closeAllConnections();
    await handle?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("counts the key generation and the signature in the latency histogram, per group and token", () => {
    const ops = (op: string) =>
      text
        .split("\n")
        .filter(
          (l) => l.startsWith("hsm_console_pkcs11_operation_seconds_count{") && l.includes(`op="${op}"`),
        )
        .filter((l) => l.includes('token="obs-part"') && l.includes('outcome="ok"'));
    expect(ops("generateKeyPair")).toHaveLength(1);
    expect(value(ops("generateKeyPair")[0]!, "hsm_console_pkcs11_operation_seconds_count")).toBeGreaterThan(
      0,
    );
    expect(ops("sign").length).toBeGreaterThan(0);
  });

  it("counts the wrong PIN by its CKR code and as a failed HSM login", () => {
    expect(text).toMatch(/hsm_console_pkcs11_errors_total\{[^}]*op="login"[^}]*ckr="CKR_PIN_INCORRECT"\} 1/);
    expect(text).toMatch(/hsm_console_hsm_logins_total\{[^}]*outcome="pin_incorrect"\} 1/);
    expect(text).toMatch(/hsm_console_hsm_logins_total\{[^}]*outcome="ok"\} [1-9]/);
    expect(text).toMatch(/hsm_console_pkcs11_worker_starts_total\{[^}]*restart="false"\} [1-9]/);
  });

  it("counts the failed sign-in, the audit entries, and shows the certificate's days to expiry", () => {
    expect(value(text, 'hsm_console_sign_ins_total{outcome="failed"}')).toBe(1);
    expect(value(text, 'hsm_console_audit_events_total{outcome="success"}')).toBeGreaterThanOrEqual(2);
    const days = value(text, 'hsm_console_certificate_expiry_days{tenant="admin",certificate="obs-cert"}');
    expect(days).toBeGreaterThan(28);
    expect(days).toBeLessThanOrEqual(30);
  });

  it("writes JSON lines only, with the request id on the lines of that request, and never a secret", () => {
    expect(logged.length).toBeGreaterThan(0);
    const lines = logged.map((l) => JSON.parse(l) as Record<string, unknown>);
    const failed = lines.find((l) => l.msg === "HSM call failed" && l.op === "login");
    expect(failed).toMatchObject({
      requestId: "obs-request-1",
      code: "HSM_PIN_INCORRECT",
      partition: "obs-part",
    });
    const all = logged.join("");
    for (const secret of Object.values(SECRETS)) expect(all).not.toContain(secret);
  });

  it("refuses /metrics without the token (401), with a wrong one (401), and when nothing is configured (403)", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: "Bearer obs-metrics-token-wrong-guess-000" })).status).toBe(401);
    delete process.env.HSM_CONSOLE_METRICS_TOKEN;
    resetEnvForTests();
    expect((await scrape({ authorization: `Bearer ${SECRETS.metricsToken}` })).status).toBe(403);
    process.env.HSM_CONSOLE_METRICS_ALLOW = "127.0.160.0/24";
    resetEnvForTests();
    expect((await scrape({ [PEER_HEADER]: "127.0.160.7" })).status).toBe(200);
    expect((await scrape({ [PEER_HEADER]: "127.0.161.7" })).status).toBe(403);
  });
});
