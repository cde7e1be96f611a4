import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { type Lab, startLab } from "../../lab";

/**
 * The document's steps 2–3 as buttons, on two lab appliances: Test connection (refused at handshake
 * until the client is registered on the second appliance), List slots, and Set up HA.
 */
test.describe.configure({ mode: "serial", timeout: 180_000 });

let lab: Lab;
let labDir: string;
const groupName = `lab-actions-${Date.now().toString(36)}`;
const HOSTS = { hsm1: "127.0.92.11", hsm2: "127.0.92.13" } as const;

test.beforeAll(async () => {
  labDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-hsmactions-lab-"));
  lab = await startLab({
    dataDir: labDir,
    appliances: [
      { name: "hsm1", host: HOSTS.hsm1, partitions: ["par43"] },
      { name: "hsm2", host: HOSTS.hsm2, partitions: ["par40"] },
    ],
  });
});

test.afterAll(async () => {
  await lab?.stop();
  if (labDir) fs.rmSync(labDir, { recursive: true, force: true });
});

async function fillServer(page: Page, index: number, name: "hsm1" | "hsm2") {
  const info = lab.info(name);
  const hsm = page.getByRole("group", { name: `HSM ${index + 1}` });
  await hsm.getByLabel("Address").fill(info.ntls.host);
  await hsm.getByLabel("Server certificate (server.pem)").fill(fs.readFileSync(info.serverPemPath, "utf8"));
  await hsm.getByLabel("Partition", { exact: true }).fill(info.partitions[0]!.label);
  await hsm.getByLabel("Partition password").fill(info.partitions[0]!.password);
}

/** Copies <client>.pem to the appliance and runs the page's lunash commands, as a person would. */
async function register(page: Page, name: "hsm1" | "hsm2", pemPath: string, clientName: string) {
  const info = lab.info(name);
  const card = page.getByRole("main").getByRole("region", { name: /^Client / });
  const text =
    (await card.getByRole("region", { name: `Commands for ${info.ntls.host}` }).textContent()) ?? "";
  fs.copyFileSync(pemPath, path.join(info.dir, "home", `${clientName}.pem`));
  for (const line of text.split("\n").slice(1))
    expect((await lab.lunash(name, line)).output).toContain("Command Result : 0");
}

test("Test connection, List slots and Set up HA on two lab appliances", async ({ page }) => {
  await page.goto("/templates/security/hsm-groups/new");
  await page.getByLabel("Name").fill(groupName);
  await page.getByLabel("Type").selectOption("lab-appliance");
  await fillServer(page, 0, "hsm1");
  await page.getByRole("button", { name: "Add Additional HSM" }).click();
  await fillServer(page, 1, "hsm2");
  await page.getByRole("button", { name: "Create HSM group" }).click();
  await expect(page.getByRole("heading", { name: groupName })).toBeVisible();
  const main = page.getByRole("main");
  const detailUrl = page.url();

  // Register this console node on hsm1 only.
  await main.getByRole("link", { name: "Client certificates" }).click();
  const card = main.getByRole("region", { name: /^Client / });
  const clientName = ((await card.getByRole("heading").first().textContent()) ?? "").trim();
  const downloading = page.waitForEvent("download");
  await card.getByRole("link", { name: `Download ${clientName}.pem` }).click();
  const pemPath = await (await downloading).path();
  await register(page, "hsm1", pemPath, clientName);

  await page.goto(detailUrl);
  await main.getByRole("link", { name: "Connection" }).click();
  await expect(page).toHaveURL(/\/connection$/);
  await page.getByRole("button", { name: "Test connection" }).click();
  const stages1 = page.getByRole("table", { name: `Connection stages of ${HOSTS.hsm1}:1792 par43` });
  const stages2 = page.getByRole("table", { name: `Connection stages of ${HOSTS.hsm2}:1792 par40` });
  await expect(page.getByText("A stage failed")).toBeVisible({ timeout: 60_000 });
  for (const stage of [
    "Reach (TCP)",
    "Handshake (NTLS)",
    "C_Initialize / slots",
    "Token present",
    "Login",
    "Test sign",
  ])
    await expect(stages1.getByRole("row").filter({ hasText: stage })).toContainText("OK");
  const handshake2 = stages2.getByRole("row").filter({ hasText: "Handshake (NTLS)" });
  await expect(handshake2).toContainText("Failed");
  await expect(handshake2).toContainText(/Refused at handshake: .*not registered/);
  await expect(stages2.getByRole("row").filter({ hasText: "Test sign" })).toContainText("Skipped");

  // Register on hsm2 as well: now every stage passes on both.
  await page.goBack();
  await main.getByRole("link", { name: "Client certificates" }).click();
  await register(page, "hsm2", pemPath, clientName);
  await page.goto(detailUrl);
  await main.getByRole("link", { name: "Connection" }).click();
  await page.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByText("All stages OK")).toBeVisible({ timeout: 60_000 });
  await expect(stages2.getByRole("row").filter({ hasText: "Test sign" })).toContainText("OK");

  await page.getByRole("button", { name: "List slots" }).click();
  const serial43 = lab.info("hsm1").partitions[0]!.serial;
  await expect(
    page
      .getByRole("table", { name: `Slots of ${HOSTS.hsm1}:1792 par43` })
      .getByRole("row")
      .filter({ hasText: "par43" }),
  ).toContainText(new RegExp(`${serial43}.*Present`));
  await expect(
    page
      .getByRole("table", { name: `Slots of ${HOSTS.hsm2}:1792 par40` })
      .getByRole("row")
      .filter({ hasText: "par40" }),
  ).toContainText("Present");

  await page.getByRole("button", { name: "Set up HA" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Turn HA on" }).click();
  const ha = page.getByRole("region", { name: "High availability" });
  await expect(ha).toContainText(`HA group number 1${serial43}`, { timeout: 60_000 });
  await expect(ha.getByRole("table", { name: "HA members" }).getByRole("row")).toHaveCount(3);
});
