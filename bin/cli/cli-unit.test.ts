import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { registerAllCommands } from "./commands";
import { configPath, loadConfig, saveConfig } from "./config";
import { ConfigureMode } from "./configure-mode";
import { detailTable, listTable } from "./format";
import { type GroupDraft, toInput } from "./hsm-group/draft";
import { HsmGroupMode } from "./hsm-group/mode";
import { completions, findCommand } from "./registry";
import { Session } from "./session";
import { endsInQuote, statements, words } from "./tokenize";
import { newVs } from "./virtual-service/draft";
import { VirtualServiceMode } from "./virtual-service/mode";

registerAllCommands();

describe("CLI building blocks", () => {
  it("splits lines into words and scripts into statements, honouring quotes", () => {
    expect(words(`configure user "a b" password 'x y;z'  save`)).toEqual([
      "configure",
      "user",
      "a b",
      "password",
      "x y;z",
      "save",
    ]);
    expect(words(String.raw`a\ b ""`)).toEqual(["a b", ""]);
    expect(statements("configure user x; role operator\n# comment\nsave; 'a;b'")).toEqual([
      "configure user x",
      "role operator",
      "save",
      "'a;b'",
    ]);
  });

  it("prints Avi-style tables", () => {
    const out = listTable([{ username: "admin", role: "admin", extra: 1 }], ["username", "role"]);
    expect(out.split("\n")).toEqual([
      "+----------+-------+",
      "| username | role  |",
      "+----------+-------+",
      "| admin    | admin |",
      "+----------+-------+",
    ]);
    expect(detailTable({ a: null, b: { c: true } })).toContain("| b.c   | true  |");
  });

  it("writes the config file with mode 0600 in a 0700 folder", () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-cli-home-"));
    const previous = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = home;
    try {
      fs.mkdirSync(path.join(home, "hsm-console"));
      fs.writeFileSync(path.join(home, "hsm-console", "config.json"), "{}", { mode: 0o644 });
      saveConfig({ controller: "http://c:1", token: "hsmc_x" });
      expect((fs.statSync(configPath()).mode & 0o777).toString(8)).toBe("600");
      expect(loadConfig()).toEqual({ controller: "http://c:1", token: "hsmc_x" });
    } finally {
      if (previous === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = previous;
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it("parses configure field/value pairs with the documented types", () => {
    const mode = new ConfigureMode("user", "x", null, {
      role: { type: "string", enum: ["admin", "operator"] },
      disabled: { type: "boolean" },
      password: { type: "string" },
    });
    mode.apply(["role", "operator", "disabled", "password", "p w"]);
    expect((mode as unknown as { changes: unknown }).changes).toEqual({
      role: "operator",
      disabled: true,
      password: "p w",
    });
    expect(() => mode.apply(["role", "king"])).toThrow(/one of: admin, operator/);
    expect(() => mode.apply(["colour", "red"])).toThrow(/Unknown field/);
    expect(mode.complete(["role", "o"])).toEqual(["admin", "operator"]);
  });

  it("completes verbs and resource names from the shared resource table", async () => {
    const session = new Session({});
    expect((await completions("sh", session))[0]).toEqual(["show "]);
    const [hits, typed] = await completions("show a", session);
    expect(typed).toBe("a");
    expect(hits).toEqual(["auditlog ", "apitoken "]);
    // Actions declared in the REST table are verbs of their own.
    expect((await completions("rev", session))[0]).toEqual(["revoke "]);
    expect((await completions("revoke ", session))[0]).toEqual(["apitoken "]);
  });

  it("nests the HSM group sub-mode as the document does, and completes each level's words", async () => {
    const lines: string[] = [];
    const session = new Session({}, (t) => lines.push(t));
    const mode = new HsmGroupMode({ name: "g", servers: [], isHa: false, moduleEnv: {} }, null);
    session.mode = mode;
    expect(mode.prompt).toBe("hardwaresecuritymodulegroup> ");
    expect(mode.complete([""])).toContain("hsm");
    await mode.handle(["hsm", "type", "hsm_type_lab_appliance"], session);
    expect(mode.prompt).toBe("hardwaresecuritymodulegroup:hsm> ");
    expect(mode.complete(["type", ""])).toContain("hsm_type_safenet_luna");
    await mode.handle(["sluna"], session);
    expect(mode.prompt).toBe("hardwaresecuritymodulegroup:hsm:sluna> ");
    expect(mode.complete(["server", "remote_ip", "1.1.1.11", ""])).toContain("partition_passwd");
    await mode.handle(
      ["server", "remote_ip", "1.1.1.11", "partition", "p", "partition_passwd", "secret-pw"],
      session,
    );
    await mode.handle(["show"], session);
    expect(lines.join("\n")).toContain("1.1.1.11");
    expect(lines.join("\n")).not.toContain("secret-pw");
    await mode.handle(["exit"], session);
    await mode.handle(["exit"], session);
    expect(mode.prompt).toBe("hardwaresecuritymodulegroup> ");
    await mode.handle(["exit"], session);
    expect(session.mode).toBeNull();
    expect(lines.at(-1)).toBe("Changes discarded.");
  });

  it("collects a PKCS#11 module's environment line by line (NAME= removes one)", async () => {
    const session = new Session({}, () => undefined);
    const draft: GroupDraft = { name: "vendor", servers: [], isHa: false, moduleEnv: {} };
    const mode = new HsmGroupMode(draft, null);
    session.mode = mode;
    await mode.handle(["hsm", "type", "hsm_type_pkcs11_module"], session);
    await mode.handle(["module_library", "/usr/lib/softhsm/libsofthsm2.so"], session);
    await mode.handle(["module_env", "SOFTHSM2_CONF=/etc/softhsm/softhsm2.conf"], session);
    await mode.handle(["module_env", "VENDOR_OPTS=a=b"], session);
    await mode.handle(["module_env", "VENDOR_OPTS="], session);
    await mode.handle(["module_env", "ChrystokiConfigurationPath=/etc"], session);
    expect(toInput(draft).moduleEnv).toBe(
      "SOFTHSM2_CONF=/etc/softhsm/softhsm2.conf\nChrystokiConfigurationPath=/etc",
    );
    await expect(mode.handle(["module_env", "no-equals-sign"], session)).rejects.toThrow(
      /module_env NAME=value/,
    );
  });

  it("completes the virtual service words and lists the sub-modes in help", async () => {
    const vs = new VirtualServiceMode(newVs("v"), null);
    expect(vs.complete([""])).toEqual(expect.arrayContaining(["vip", "services", "pool_server", "save"]));
    expect(vs.complete(["services", ""])).toEqual(["port"]);
    const session = new Session({});
    expect((await completions("conf", session))[0]).toEqual(["configure "]);
    expect((await completions("download ", session))[0]).toEqual(["clientcert "]);
    expect((await completions("create sslkeyandcertificate x type ", session))[0]).toEqual([
      "self_signed ",
      "csr ",
    ]);
    const out: string[] = [];
    await findCommand("help").run([], new Session({}, (t) => out.push(t)));
    expect(out.join("\n")).toMatch(
      /sluna[\s\S]*services port N \[enable_ssl\][\s\S]*hardwaresecuritymodulegroup_ref/,
    );
  });

  it("knows when a piped script continues a quoted value on the next line", () => {
    expect(endsInQuote("server_cert '-----BEGIN\n")).toBe(true);
    expect(endsInQuote("vip 127.0.0.75\n")).toBe(false);
  });
});
