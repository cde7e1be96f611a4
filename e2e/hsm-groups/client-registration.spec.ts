import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { type Lab, startLab } from "../../lab";

/**
 * The document's steps 1–2 as a new administrator follows them: an HSM group over two lab
 * appliances, the client certificate downloaded and registered with the shell commands the
 * page shows, then the second appliance registered automatically through its admin API.
 */
test.describe.configure({ mode: "serial", timeout: 180_000 });

let lab: Lab;
let labDir: string;
const groupName = `lab-pair-${Date.now().toString(36)}`;

test.beforeAll(async () => {
  labDir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-hsmgroups-lab-"));
  lab = await startLab({
    dataDir: labDir,
    appliances: [
      { name: "hsm1", host: "127.0.91.11", partitions: ["par43"] },
      { name: "hsm2", host: "127.0.91.13", partitions: ["par40"] },
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
  await expect(hsm.getByText(info.serverCertFingerprint)).toBeVisible();
  await hsm.getByLabel("Partition", { exact: true }).fill(info.partitions[0]!.label);
  await hsm.getByLabel("Partition password").fill(info.partitions[0]!.password);
}

test("create a group over two appliances, download the client certificate and register it by hand", async ({
  page,
}) => {
  await page.goto("/templates/security/hsm-groups");
  await page.getByRole("link", { name: "Create HSM group" }).click();
  await page.getByLabel("Name").fill(groupName);
  await page.getByLabel("Type").selectOption("lab-appliance");
  await expect(page.getByLabel("Type")).toHaveAccessibleDescription(
    /emulated appliances of this project's lab/,
  );
  await expect(page.getByText("High availability: off. It needs two or more HSMs.")).toBeVisible();
  await fillServer(page, 0, "hsm1");
  await page.getByRole("button", { name: "Add Additional HSM" }).click();
  await fillServer(page, 1, "hsm2");
  // HA has one home, the Connection page: the form only says where.
  await expect(
    page.getByText(/High availability: off\. Turn it on with Set up HA on the group's Connection page/),
  ).toBeVisible();
  await expect(page.getByRole("checkbox", { name: /HA/ })).toHaveCount(0);
  await page.getByRole("button", { name: "Create HSM group" }).click();

  await expect(page.getByRole("heading", { name: groupName })).toBeVisible();
  const main = page.getByRole("main");
  await expect(main.getByRole("table", { name: "HSM servers" })).toContainText(
    lab.info("hsm2").serverCertFingerprint,
  );
  await expect(main.getByRole("link", { name: "Connection" })).toHaveAttribute(
    "href",
    /\/templates\/security\/hsm-groups\/[0-9a-f-]+\/connection$/,
  );
  await main.getByRole("link", { name: "Client certificates" }).click();

  const card = main.getByRole("region", { name: /^Client / });
  const clientName = ((await card.getByRole("heading").first().textContent()) ?? "").trim();
  const fingerprint = ((await card.getByTestId("client-fingerprint").textContent()) ?? "").trim();
  const downloading = page.waitForEvent("download");
  await card.getByRole("link", { name: `Download ${clientName}.pem` }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${clientName}.pem`);
  const pem = fs.readFileSync(await download.path(), "utf8");
  expect(pem).not.toContain("PRIVATE KEY");
  expect(new X509Certificate(pem).fingerprint256).toBe(fingerprint);

  // "scp <client>.pem admin@<hsm>:" then the two lunash commands, as the page shows them.
  const hsm1 = lab.info("hsm1");
  const commands = (
    (await card.getByRole("region", { name: `Commands for ${hsm1.ntls.host}` }).textContent()) ?? ""
  ).split("\n");
  expect(commands[0]).toBe(`scp ${clientName}.pem admin@${hsm1.ntls.host}:`);
  fs.copyFileSync(await download.path(), path.join(hsm1.dir, "home", `${clientName}.pem`));
  for (const line of commands.slice(1))
    expect((await lab.lunash("hsm1", line)).output).toContain("Command Result : 0");

  await main.getByRole("button", { name: "Check now" }).click();
  await expect(card.getByRole("region", { name: `${clientName} on 127.0.91.11` })).toContainText(
    "registered, partition visible",
  );
});

test("an unregistered client is refused at handshake, and Register automatically fixes it", async ({
  page,
}) => {
  await page.goto("/templates/security/hsm-groups");
  await page
    .getByRole("row", { name: new RegExp(groupName) })
    .getByRole("link", { name: `Client certificates of ${groupName}` })
    .click();
  const main = page.getByRole("main");
  const card = main.getByRole("region", { name: /^Client / });
  const onHsm2 = card.getByRole("region", { name: / on 127\.0\.91\.13$/ });
  await main.getByRole("button", { name: "Check now" }).click();
  await expect(onHsm2).toContainText("refused at handshake");
  await expect(onHsm2).toContainText("not registered");

  const hsm2 = lab.info("hsm2");
  await onHsm2.getByText("Register automatically").first().click();
  const form = onHsm2.getByRole("form", { name: "Register automatically on 127.0.91.13" });
  await expect(form.getByLabel("Admin API URL")).toHaveValue(hsm2.adminUrl);
  await form.getByLabel("Admin user").fill(hsm2.admin.username);
  await form.getByLabel("Admin password").fill(hsm2.admin.password);
  await form.getByRole("button", { name: "Register automatically" }).click();
  await expect(onHsm2).toContainText("registered, partition visible");
  expect((await lab.lunash("hsm2", "client list")).output).toMatch(/\S/);
});

test("a regenerated server.pem shows as a pinned-certificate mismatch and is trusted in one click", async ({
  page,
}) => {
  expect((await lab.lunash("hsm1", "sysconf regenCert")).result).toBe(0);
  const fresh = lab.info("hsm1").serverCertFingerprint;
  await page.goto("/templates/security/hsm-groups");
  await page
    .getByRole("row", { name: new RegExp(groupName) })
    .getByRole("link", { name: `Client certificates of ${groupName}` })
    .click();
  const main = page.getByRole("main");
  const alert = main.getByRole("alert").filter({ hasText: "Pinned certificate mismatch on 127.0.91.11" });
  await expect(alert).toContainText(fresh);
  await alert.getByRole("button", { name: "Trust the new certificate of 127.0.91.11" }).click();
  await expect(alert).toHaveCount(0);
  await main.getByRole("button", { name: "Check now" }).click();
  await expect(main.getByRole("region", { name: / on 127\.0\.91\.11$/ })).toContainText(
    "registered, partition visible",
  );
});

test("the certificate download needs a session and an existing client of the tenant", async ({
  playwright,
  baseURL,
  page,
}) => {
  const url =
    "/api/hsm-groups/00000000-0000-4000-8000-000000000000/clients/00000000-0000-4000-8000-000000000000/pem";
  // No cookies at all (the project's signed-in storage state is not inherited).
  const anonymous = await playwright.request.newContext({
    baseURL,
    ignoreHTTPSErrors: true,
    storageState: { cookies: [], origins: [] },
  });
  expect((await anonymous.get(url)).status()).toBe(401);
  await anonymous.dispose();
  expect((await page.request.get(url)).status()).toBe(404);
});
