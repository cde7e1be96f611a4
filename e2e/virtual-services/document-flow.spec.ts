import { execFile } from "node:child_process";
import { createPublicKey, X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, type Page, test } from "@playwright/test";
import { type Lab, startLab } from "../../lab";
import { ADMIN_STATE, E2E_DATA } from "../../playwright.config";

/**
 * The whole source document as a new administrator follows it: lab appliances → HSM group →
 * client registration from the download page → associate with Default-Group → the SE's own
 * client registered → self-signed certificate in the HSM → virtual service with SSL → "Test".
 * Then, outside the browser, openssl s_client sees the same certificate on the VIP and curl
 * reaches the pool through it, and no file anywhere holds the private key.
 */
test.describe.configure({ mode: "serial", timeout: 240_000 });

const run = promisify(execFile);
const HOSTS = { hsm1: "127.0.95.11", hsm2: "127.0.95.13" } as const;
const GROUP = `doc-hsm-${Date.now().toString(36)}`;
const CERT = `doc-web-${Date.now().toString(36)}`;
const VS = `doc-vs-${Date.now().toString(36)}`;
const VIP = "127.0.95.50";
/** HTTPS's own port, as an admin would use it (a console that is not root refuses ports < 1024). */
const PORT = process.getuid?.() === 0 ? "443" : String(25_000 + Math.floor(Math.random() * 1000));
const ECHO = process.env.HSM_CONSOLE_ECHO_PORT ?? "8081";
const SE_GROUPS = "/infrastructure/clouds/default-cloud/service-engine-groups";

let lab: Lab;
let labDir: string;

test.beforeAll(async () => {
  labDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-doc-lab-"));
  lab = await startLab({
    dataDir: labDir,
    appliances: [
      { name: "hsm1", host: HOSTS.hsm1, partitions: ["par43"] },
      { name: "hsm2", host: HOSTS.hsm2, partitions: ["par40"] },
    ],
  });
});

test.afterAll(async ({ browser }) => {
  // Leave Default-Group as the other specs expect it: no HSM group, se-1 running.
  const page = await browser.newPage({ storageState: ADMIN_STATE });
  try {
    await restoreDefaultGroup(page);
  } finally {
    await page.close();
    await lab?.stop();
    if (labDir) fs.rmSync(labDir, { recursive: true, force: true });
  }
});

async function restoreDefaultGroup(page: Page): Promise<void> {
  await page.goto("/applications/virtual-services");
  await expect(page.getByRole("button", { name: "Create virtual service" })).toBeVisible();
  const open = page
    .getByRole("table", { name: "Virtual services" })
    .getByRole("button", { name: VS, exact: true });
  if (await open.count()) {
    await open.click();
    await page.getByRole("button", { name: `Delete ${VS}` }).click();
    await page
      .getByRole("dialog")
      .getByRole("button", { name: `Delete virtual service ${VS}` })
      .click();
    await expect(open).toHaveCount(0);
  }
  await page.goto(SE_GROUPS);
  const group = page.getByRole("region", { name: "Service engine group Default-Group" });
  await group.getByRole("button", { name: "Edit Default-Group" }).click();
  const form = group.getByRole("form", { name: "Edit Default-Group" });
  await form.getByLabel("HSM group").selectOption({ label: "None" });
  await form.getByRole("button", { name: "Save" }).click();
  const se1 = group.getByRole("table", { name: "Service engines of Default-Group" }).getByRole("row").filter({
    hasText: "se-1",
  });
  await se1.getByRole("button", { name: "Restart se-1" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Restart se-1 now" }).click();
  await expect(se1.getByText("running", { exact: true })).toBeVisible();
}

/** "scp <client>.pem admin@<hsm>:" and the two lunash commands the page shows, on both appliances. */
async function registerFromDownloadPage(page: Page, client: string): Promise<void> {
  const main = page.getByRole("main");
  const card = main.getByRole("region", { name: `Client ${client}`, exact: true });
  const downloading = page.waitForEvent("download");
  await card.getByRole("link", { name: `Download ${client}.pem` }).click();
  const pemPath = await (await downloading).path();
  for (const name of ["hsm1", "hsm2"] as const) {
    const host = HOSTS[name];
    const commands = (
      (await card.getByRole("region", { name: `Commands for ${host}` }).textContent()) ?? ""
    ).split("\n");
    expect(commands[0]).toBe(`scp ${client}.pem admin@${host}:`);
    fs.copyFileSync(pemPath, path.join(lab.info(name).dir, "home", `${client}.pem`));
    for (const line of commands.slice(1))
      expect((await lab.lunash(name, line)).output).toContain("Command Result : 0");
  }
  await main.getByRole("button", { name: "Check now" }).click();
  for (const host of Object.values(HOSTS))
    await expect(card.getByRole("region", { name: `${client} on ${host}` })).toContainText(
      "registered, partition visible",
    );
}

async function openClientCertificates(page: Page): Promise<void> {
  await page.goto("/templates/security/hsm-groups");
  await page
    .getByRole("row", { name: new RegExp(GROUP) })
    .getByRole("link", { name: `Client certificates of ${GROUP}` })
    .click();
}

test("HSM group over two lab appliances with HA, this console registered from the download page", async ({
  page,
}) => {
  await page.goto("/templates/security/hsm-groups");
  await page.getByRole("link", { name: "Create HSM group" }).click();
  await page.getByLabel("Name").fill(GROUP);
  await page.getByLabel("Type").selectOption("lab-appliance");
  for (const [index, name] of (["hsm1", "hsm2"] as const).entries()) {
    if (index > 0) await page.getByRole("button", { name: "Add Additional HSM" }).click();
    const info = lab.info(name);
    const hsm = page.getByRole("group", { name: `HSM ${index + 1}` });
    await hsm.getByLabel("Address").fill(info.ntls.host);
    await hsm.getByLabel("Server certificate (server.pem)").fill(fs.readFileSync(info.serverPemPath, "utf8"));
    await hsm.getByLabel("Partition", { exact: true }).fill(info.partitions[0]!.label);
    await hsm.getByLabel("Partition password").fill(info.partitions[0]!.password);
  }
  await page.getByRole("button", { name: "Create HSM group" }).click();
  await expect(page.getByRole("heading", { name: GROUP })).toBeVisible();

  await openClientCertificates(page);
  const consoleCard = page.getByRole("main").getByRole("region", { name: /^Client / });
  const consoleName = ((await consoleCard.getByRole("heading").first().textContent()) ?? "").trim();
  await registerFromDownloadPage(page, consoleName);

  // Step 3, after the registration: Set up HA on the group's Connection page (its one home).
  await page.goto("/templates/security/hsm-groups");
  await page.getByRole("link", { name: GROUP, exact: true }).click();
  await page.getByRole("link", { name: "Connection" }).click();
  await page.getByRole("button", { name: "Set up HA" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Turn HA on" }).click();
  await expect(page.getByRole("region", { name: "High availability" })).toContainText("HA group number", {
    timeout: 60_000,
  });
});

test("associate with Default-Group: se-1 gets its own client; registered, it restarts on the HSM", async ({
  page,
}) => {
  await page.goto(SE_GROUPS);
  const group = page.getByRole("region", { name: "Service engine group Default-Group" });
  await group.getByRole("button", { name: "Edit Default-Group" }).click();
  const form = group.getByRole("form", { name: "Edit Default-Group" });
  await form.getByLabel("HSM group").selectOption({ label: GROUP });
  await form.getByRole("button", { name: "Save" }).click();
  const se1 = group.getByRole("table", { name: "Service engines of Default-Group" }).getByRole("row").filter({
    hasText: "se-1",
  });
  await expect(se1.getByText("restart required", { exact: true })).toBeVisible();
  await expect(se1).toContainText("not checked");

  await openClientCertificates(page);
  // The SE's client address is its host name, and says so.
  const seCard = page.getByRole("main").getByRole("region", { name: "Client se-1", exact: true });
  await expect(seCard.locator("dt", { hasText: "Host name" })).toBeVisible();
  await registerFromDownloadPage(page, "se-1");

  await page.goto(SE_GROUPS);
  await expect(se1).toContainText(`${HOSTS.hsm1}: registered, ${HOSTS.hsm2}: registered`);
  await se1.getByRole("button", { name: "Restart se-1" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Restart se-1 now" }).click();
  await expect(se1.getByText("running", { exact: true })).toBeVisible({ timeout: 60_000 });
});

test("self-signed certificate in the HSM group, virtual service with SSL: Test, s_client and curl agree", async ({
  page,
}) => {
  await page.goto("/templates/security/ssl-certificates");
  await page.getByRole("link", { name: "Create application certificate" }).click();
  const certForm = page.getByRole("form", { name: "New certificate" });
  await certForm.getByLabel("Name", { exact: true }).fill(CERT);
  await certForm.getByLabel("Type", { exact: true }).selectOption({ label: "Self-signed" });
  await certForm.getByLabel("HSM group").selectOption({ label: GROUP });
  await expect(
    certForm.getByLabel("Key", { exact: true }).locator("option", { hasText: "EC P-256" }),
  ).toHaveCount(1);
  await certForm.getByLabel("Key", { exact: true }).selectOption({ label: "EC P-256" });
  await certForm.getByLabel("Common name (CN)").fill("doc.example.test");
  await certForm.getByLabel("DNS names (SAN)").fill("doc.example.test");
  await certForm.getByRole("button", { name: "Create certificate" }).click();
  await expect(page.getByRole("heading", { level: 2 })).toContainText("Active", { timeout: 60_000 });
  const holders = page.getByRole("table", { name: "HSM members holding the key" });
  await expect(holders.getByRole("row")).toHaveCount(3); // header + both appliances

  await page.goto("/applications/virtual-services");
  await page.getByRole("button", { name: "Create virtual service" }).click();
  const wizard = page.getByRole("form", { name: "New virtual service" });
  await wizard.getByLabel("Name").fill(VS);
  await wizard.getByLabel("VIP address").fill(VIP);
  await wizard.getByLabel("Port 1", { exact: true }).fill(PORT);
  await expect(wizard.getByLabel("SSL on port 1")).toBeChecked();
  await wizard.getByLabel("SSL certificate").selectOption({ label: `${CERT} (HSM: ${GROUP})` });
  await wizard.getByRole("button", { name: "Add pool server" }).click();
  await expect(wizard.getByLabel("Server 1 port")).toHaveValue(ECHO);
  await wizard.getByRole("button", { name: "Next" }).click();
  await wizard.getByLabel("Service engine group").selectOption({ label: "Default-Group" });
  await wizard.getByRole("button", { name: "Save" }).click();

  const detail = page.getByRole("region", { name: `Virtual service ${VS}` });
  await expect(detail).toContainText("up", { timeout: 60_000 });
  await detail.getByRole("button", { name: "Test" }).click();
  const result = detail.getByRole("status", { name: "Test result" });
  await expect(result).toContainText(`${VIP}:${PORT} answered HTTP 200`);
  await expect(result).toContainText("doc.example.test");
  await expect(result).toContainText(/TLSv1\.[23]/);
  const shownFingerprint = (
    (await result.getByText(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/).textContent({ timeout: 5_000 })) ?? ""
  ).trim();

  const { stdout } = await run("sh", [
    "-c",
    `openssl s_client -connect ${VIP}:${PORT} -servername doc.example.test </dev/null 2>/dev/null | openssl x509`,
  ]);
  const served = new X509Certificate(stdout);
  expect(served.fingerprint256).toBe(shownFingerprint);
  expect(served.subject).toContain("doc.example.test");
  const curl = await run("curl", [
    "-sk",
    "--resolve",
    `doc.example.test:${PORT}:${VIP}`,
    `https://doc.example.test:${PORT}/through-the-vip`,
  ]);
  expect(JSON.parse(curl.stdout)).toMatchObject({ path: "/through-the-vip" });

  // The key never exists as a file: no PEM private key in any SE folder, and no private key
  // anywhere in the data folder whose public half is the served certificate's.
  const servedSpki = served.publicKey.export({ type: "spki", format: "der" });
  const offending: string[] = [];
  for (const file of filesUnder(E2E_DATA)) {
    const text = readSmallText(file);
    if (!text?.includes("PRIVATE KEY-----")) continue;
    if (file.includes(`${path.sep}service-engines${path.sep}`)) offending.push(file);
    for (const block of text.match(
      /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]+?-----END [A-Z ]*PRIVATE KEY-----/g,
    ) ?? []) {
      try {
        const spki = createPublicKey(block).export({ type: "spki", format: "der" });
        if (spki.equals(servedSpki)) offending.push(file);
      } catch {
        // encrypted or foreign: cannot be this key in the clear
      }
    }
  }
  expect(offending).toEqual([]);
});

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full));
    else if (entry.isFile()) out.push(full);
  }
  return out;
}

function readSmallText(file: string): string | null {
  try {
    return fs.statSync(file).size < 4_000_000 ? fs.readFileSync(file, "latin1") : null;
  } catch {
    return null;
  }
}
