import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeSafenetTar, startConsole, type TestConsole } from "./testing/console";

/** The CLI against a real console (see ./testing/console.ts): users, tokens, HSM steps, packages. */
let c: TestConsole;
const cli = (args: string[], withCredentials = true) => c.cli(args, withCredentials);
const api: TestConsole["api"] = (...args) => c.api(...args);

beforeAll(async () => {
  c = await startConsole();
}, 420_000);

afterAll(() => c?.stop());

describe("hsm-console CLI against a running console", () => {
  it("shows users as a table", async () => {
    const run = await cli(["-c", "show user"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/\| username +\| role +\|/);
    expect(run.stdout).toMatch(/\| admin +\| admin +\|/);
  });

  it("configures a user in the sub-mode and in one line; the API sees the effect", async () => {
    const created = await cli([
      "-c",
      "configure user alice\npassword alice-password-123\nrole operator\nsave",
    ]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/\| role +\| operator +\|/);
    let found = await api("GET", "/api/user?name=alice");
    expect(found.json.results[0]).toMatchObject({ username: "alice", role: "operator", disabled: false });

    const changed = await cli(["-c", "configure user alice role read-only disabled"]);
    expect(changed.code).toBe(0);
    found = await api("GET", "/api/user?name=alice");
    expect(found.json.results[0]).toMatchObject({ role: "read-only", disabled: true });

    const shown = await cli(["-c", "show user alice --json"]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ username: "alice", role: "read-only", disabled: true });

    const audit = await api("GET", "/api/auditlog?action=users.&actor=admin");
    expect(audit.json.results.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(["users.create", "users.update"]),
    );
  });

  it("prints machine output with --json and never shows a token's secret", async () => {
    const run = await cli(["--json", "-c", "show apitoken"]);
    expect(run.code).toBe(0);
    const tokens = JSON.parse(run.stdout) as { name: string }[];
    expect(tokens.map((t) => t.name)).toContain("cli");
    expect(run.stdout).not.toContain(c.token);
  });

  it("fails with a non-zero exit code and the console's message on stderr", async () => {
    const missing = await cli(["-c", "show user nobody"]);
    expect(missing).toMatchObject({ code: 1, stdout: "" });
    expect(missing.stderr).toContain('There is no user named "nobody".');

    const invalid = await cli(["-c", "configure user bob; password short; save; show user"]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/password: Password must be at least 12 characters/);
    expect(invalid.stdout).toBe(""); // stopped at the first error
    expect((await api("GET", "/api/user?name=bob")).json.count).toBe(0);

    const unknown = await cli(["-c", "frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);

    const wrong = await cli(
      ["--controller", c.base, "--token", "hsmc_wrong", "--ca", c.caFile, "-c", "show user"],
      false,
    );
    expect(wrong).toMatchObject({ code: 1, stderr: "This API token is not valid.\n" });
  });

  it("runs a resource action as a verb: revoke apitoken NAME", async () => {
    const spare = await api("POST", "/api/apitoken", {
      cookie: c.cookie,
      body: { name: "spare", role: "read-only", expiresInDays: 1 },
    });
    expect(spare.status).toBe(201);
    const run = await cli(["-c", "revoke apitoken spare"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\| status +\| revoked +\|/);
    expect((await api("GET", "/api/apitoken?name=spare")).json.results[0].status).toBe("revoked");
    const wrong = await cli(["revoke", "user", "admin"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/"revoke" does not apply to user/);
  });

  it("runs the document's HSM steps: hsm listslots / hsm test on the built-in SoftHSM group", async () => {
    const slots = await cli(["-c", "hsm listslots Local-SoftHSM"]);
    expect(slots.code, slots.stderr).toBe(0);
    expect(slots.stdout).toContain("hsm-console-local");
    const test = await cli(["--json", "-c", "hsm test Local-SoftHSM"]);
    expect(test.code, test.stderr).toBe(0);
    expect(test.stdout).toMatch(/"ok":\s*true/);
    const wrong = await cli(["-c", "hsm listslots No-Such-Group"]);
    expect(wrong.code).not.toBe(0);
  });

  it("uploads an HSM package as the document does: upload hsmpackage filename …/safenet.tar", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-cli-pkg-"));
    const tar = fakeSafenetTar(dir);
    const run = await cli(["-c", `upload hsmpackage filename ${tar}`]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe("HSM Package uploaded successfully");
    const listed = await cli(["--json", "-c", "show hsmpackage safenet.tar"]);
    const sha = createHash("sha256").update(fs.readFileSync(tar)).digest("hex");
    expect(listed.stdout).toContain(sha);
    fs.writeFileSync(path.join(dir, "bad.tar"), "not a tar at all");
    const bad = await cli(["-c", `upload hsmpackage filename ${path.join(dir, "bad.tar")} type safenet`]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/tar/i);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("deletes a user", async () => {
    const run = await cli(["delete", "user", "alice"]);
    expect(run).toMatchObject({ code: 0, stdout: "Deleted user alice\n" });
    expect((await api("GET", "/api/user?name=alice")).json.count).toBe(0);
  });

  it("logs in once (config file 0600, certificate pinned) and then needs no flags", async () => {
    const untrusted = await cli(["login", "--controller", c.base, "--token", c.token], false);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/not trusted .*--fingerprint/s);
    const wrongPin = "AA:".repeat(31) + "AA";
    const pinnedWrong = await cli(
      ["login", "--controller", c.base, "--token", c.token, "--fingerprint", wrongPin],
      false,
    );
    expect(pinnedWrong.code).toBe(1);
    expect(pinnedWrong.stderr).toContain(c.fingerprint());
    expect(c.log()).toContain(c.fingerprint());
    const login = await cli(
      ["login", "--controller", c.base, "--token", c.token, "--fingerprint", c.fingerprint()],
      false,
    );
    expect(login.code, login.stderr).toBe(0);
    const file = path.join(c.home, ".config/hsm-console/config.json");
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe("600");
    const run = await cli(["-c", "show tenant"], false);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/\| admin +\|/);
  });

  it("serves the OpenAPI document and tRPC beside the REST catch-all", async () => {
    const doc = (await c.fetch("/api/openapi.json")).json();
    expect(doc).toMatchObject({ openapi: "3.1.0", paths: { "/api/user": expect.any(Object) } });
    const status = (
      await c.fetch("/api/trpc/auth.status", { headers: { authorization: `Bearer ${c.token}` } })
    ).json();
    expect(status.result.data.user).toMatchObject({ username: "admin", role: "admin" });
  });

  it("never writes the token to the console's log", () => {
    expect(c.log()).not.toContain(c.token);
  });
});
