import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "../../lab";
import { fakeSafenetTar, startConsole, type TestConsole } from "./testing/console";

/**
 * The document's CLI steps against a running console and two lab appliances (127.0.0.71 and
 * .73): HSM group sub-mode, client certificate download, SE group reference, SE reboot.
 */
let c: TestConsole;
let lab: Lab;
let labDir: string;
const GROUP = "safenet-network-hsm-1";
const cli = (args: string[]) => c.cli(args);

beforeAll(async () => {
  labDir = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-cli-lab-"));
  lab = await startLab({
    dataDir: labDir,
    appliances: [
      { name: "hsm1", host: "127.0.0.71", partitions: ["par43"] },
      { name: "hsm2", host: "127.0.0.73", partitions: ["par40"] },
    ],
  });
  c = await startConsole();
  // The document's `scp admin@<hsm>:server.pem <hsm>.pem`, into the CLI's working folder.
  fs.copyFileSync(lab.info("hsm1").serverPemPath, path.join(c.home, "hsm71.pem"));
  fs.copyFileSync(lab.info("hsm2").serverPemPath, path.join(c.home, "hsm73.pem"));
}, 480_000);

afterAll(async () => {
  c?.stop();
  await lab?.stop();
  if (labDir) fs.rmSync(labDir, { recursive: true, force: true });
});

const password = (name: "hsm1" | "hsm2") => lab.info(name).partitions[0]!.password;
const serverLine = (name: "hsm1" | "hsm2", pem: string) =>
  `server remote_ip ${lab.info(name).ntls.host} server_cert file:${pem} ` +
  `partition ${lab.info(name).partitions[0]!.label} partition_passwd ${password(name)}`;

describe("the document's CLI sequence against a console and two lab appliances", () => {
  it("upload hsmpackage → HSM group with HA → hsm listslots → SE group reference → reboot, as one script", async () => {
    const dir = fs.mkdtempSync(path.join(labDir, "pkg-")); // removed with the lab's folder
    const script = c.piped();
    for (const line of [
      `upload hsmpackage filename ${fakeSafenetTar(dir)}`,
      `configure hardwaresecuritymodulegroup ${GROUP}`,
      "hsm type hsm_type_lab_appliance",
      "sluna",
      serverLine("hsm1", "hsm71.pem"),
      serverLine("hsm2", "hsm73.pem"),
      "is_ha",
      "save",
      "save",
      "save",
    ])
      script.send(line);
    await script.waitFor(/\| is_ha\s+\| true/);

    // The appliance side of the document's step 2 (on the HSMs, not in the console's shell):
    // the console's client certificate, downloaded by the script, registered on both appliances.
    const group = (await c.api("GET", `/api/hardwaresecuritymodulegroup?name=${GROUP}`)).json.results[0];
    const client = group.clients[0];
    script.send(`download clientcert ${GROUP} ${client.name}`);
    await script.waitFor(new RegExp(`Wrote ${client.name}\\.pem`));
    for (const hsm of ["hsm1", "hsm2"] as const) {
      const info = lab.info(hsm);
      fs.copyFileSync(
        path.join(c.home, `${client.name}.pem`),
        path.join(info.dir, "home", `${client.name}.pem`),
      );
      for (const line of [
        `client register -c ${client.name} -i ${client.ip}`,
        `client assignPartition -c ${client.name} -p ${info.partitions[0]!.label}`,
      ])
        expect((await lab.lunash(hsm, line)).output).toContain("Command Result : 0");
    }

    const before = (await c.api("GET", "/api/serviceengine?name=se-1")).json.results[0];
    script.send(`hsm listslots ${GROUP}`);
    script.send(`configure serviceenginegroup Default-Group hardwaresecuritymodulegroup_ref ${GROUP}`);
    // Each SE is an HSM client of its own (the document's SE registration): its certificate is
    // on the download page once the SE group references the HSM group; registered by host name
    // because it shares the console's address.
    script.send(`download clientcert ${GROUP} se-1`);
    await script.waitFor(/Wrote se-1\.pem/);
    for (const hsm of ["hsm1", "hsm2"] as const) {
      const info = lab.info(hsm);
      fs.copyFileSync(path.join(c.home, "se-1.pem"), path.join(info.dir, "home", "se-1.pem"));
      for (const line of [
        "client register -c se-1 -hostname se-1",
        `client assignPartition -c se-1 -p ${info.partitions[0]!.label}`,
      ])
        expect((await lab.lunash(hsm, line)).output).toContain("Command Result : 0");
    }
    script.send("reboot serviceengine se-1");
    const run = await script.end();
    if (run.stderr) console.error(c.log().slice(-4000));
    expect(run.stdout).toContain("HSM Package uploaded successfully");
    expect(run.stdout).toContain("par43"); // hsm listslots through both appliances' NTLS
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);

    const saved = (await c.api("GET", `/api/hardwaresecuritymodulegroup?name=${GROUP}`)).json.results[0];
    expect(saved).toMatchObject({ type: "lab-appliance", isHa: true });
    expect(saved.servers.map((s: { address: string }) => s.address)).toEqual(["127.0.0.71", "127.0.0.73"]);
    const seGroup = (await c.api("GET", "/api/serviceenginegroup?name=Default-Group")).json.results[0];
    expect(seGroup.hsmGroupName).toBe(GROUP);
    const after = (await c.api("GET", "/api/serviceengine?name=se-1")).json.results[0];
    expect(after.state).not.toBe("restart-required");
    expect(new Date(after.stateSince).getTime()).toBeGreaterThan(new Date(before.stateSince).getTime());
    const audit = await c.api("GET", "/api/auditlog?action=serviceEngines.restart");
    expect(audit.json.results[0]).toMatchObject({ objectName: "se-1", outcome: "success" });
  });

  it("names the field at fault in the CLI's words, and creates nothing", async () => {
    const base = `configure hardwaresecuritymodulegroup broken; hsm type hsm_type_lab_appliance; sluna`;
    const noPassword = `server remote_ip 127.0.0.71 server_cert file:hsm71.pem partition par43`;
    const ha = await cli(["-c", `${base}; ${noPassword}; is_ha; save`]);
    expect(ha).toMatchObject({ code: 1, stdout: "" });
    expect(ha.stderr).toMatch(/^is_ha: HA needs two or more HSMs/);
    const missing = await cli(["-c", `${base}; ${noPassword}; save`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^server index 1 partition_passwd: Enter the partition password\./);
    expect((await c.api("GET", "/api/hardwaresecuritymodulegroup?name=broken")).json.count).toBe(0);
    const type = await cli([
      "-c",
      "configure hardwaresecuritymodulegroup broken; hsm type hsm_type_nonsense",
    ]);
    expect(type.code).toBe(2);
    expect(type.stderr).toMatch(/hsm type is one of: hsm_type_safenet_luna, hsm_type_lab_appliance/);
  });

  it("lists each level's words with help, and edits an existing group (passwords kept)", async () => {
    const help = await cli(["-c", "configure hardwaresecuritymodulegroup g2; hsm; sluna; help; cancel"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("hardwaresecuritymodulegroup:hsm:sluna> server, is_ha, no, save, exit");
    const create = await cli([
      "-c",
      `configure hardwaresecuritymodulegroup g2; hsm type hsm_type_lab_appliance; sluna
       ${serverLine("hsm1", "hsm71.pem")}; ${serverLine("hsm2", "hsm73.pem")}; is_ha; save; exit; exit`,
    ]);
    expect(create.code, create.stderr).toBe(0);
    const edit = await cli([
      "-c",
      "configure hardwaresecuritymodulegroup g2; hsm; sluna; no server index 2; no is_ha; save",
    ]);
    expect(edit.code, edit.stderr).toBe(0);
    const g2 = (await c.api("GET", "/api/hardwaresecuritymodulegroup?name=g2")).json.results[0];
    expect(g2).toMatchObject({
      isHa: false,
      servers: [{ address: "127.0.0.71", partitionPasswordSet: true }],
    });
  });

  it("download clientcert refuses an unknown client and names the group's clients", async () => {
    const group = (await c.api("GET", `/api/hardwaresecuritymodulegroup?name=${GROUP}`)).json.results[0];
    const run = await cli(["-c", `download clientcert ${GROUP} nobody`]);
    expect(run.code).toBe(1);
    const names = (group.clients as { name: string }[]).map((client) => client.name).sort();
    expect(run.stderr).toContain(`has no client "nobody". Its clients: ${names.join(", ")}.`);
    expect(fs.existsSync(path.join(c.home, "nobody.pem"))).toBe(false);
  });

  it("configure serviceenginegroup … hardwaresecuritymodulegroup_ref names the field and the choices", async () => {
    const run = await cli([
      "-c",
      "configure serviceenginegroup Default-Group hardwaresecuritymodulegroup_ref nope",
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^hardwaresecuritymodulegroup_ref: there is no hardwaresecuritymodulegroup named "nope"\. Choices: .*Local-SoftHSM/,
    );
  });

  it("never prints a partition password", () => {
    for (const run of c.runs) {
      for (const secret of [password("hsm1"), password("hsm2")]) {
        expect(run.stdout + run.stderr).not.toContain(secret);
      }
    }
  });
});
