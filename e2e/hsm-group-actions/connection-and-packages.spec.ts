import { expect, test } from "@playwright/test";
import { type HandEntry, tarOf } from "../../server/packages/testing/tar";

const SAFENET = ["configurator", "libcryptoki", "vtl", "lunacmu", "cklog", "multitoken", "ckdemo", "lunacm"];
const RPM_LEAD = Buffer.from([0xed, 0xab, 0xee, 0xdb, 3, 0]);
/** safenet.tar as the document's cp + tar commands make it (fake RPMs of ~128 KiB each, one version). */
function safenetTar(): Buffer {
  const entries: HandEntry[] = SAFENET.map((name) => ({
    name: `${name}-5.4.1-2.x86_64.rpm`,
    body: Buffer.concat([RPM_LEAD, Buffer.alloc(128 * 1024, name)]),
  }));
  return tarOf(entries);
}

test("Local-SoftHSM: Test connection passes every stage and List slots shows the partition", async ({
  page,
}) => {
  // A group that does not exist: the not-found page, inside the console.
  await page.goto("/templates/security/hsm-groups/00000000-0000-4000-8000-000000000000/connection");
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  // Reached from the group's "Connection" link.
  await page.goto("/templates/security/hsm-groups");
  await page.getByRole("link", { name: "Local-SoftHSM", exact: true }).click();
  await page.getByRole("link", { name: "Connection" }).click();
  await expect(page).toHaveURL(/hsm-groups\/[0-9a-f-]{36}\/connection$/);

  const stages = page.getByRole("table", { name: "Connection stages of hsm-console-local" });
  // The group switch navigates: a click that lands before the new page is hydrated does nothing.
  await expect(async () => {
    await page.getByRole("button", { name: "Test connection" }).click();
    await expect(stages).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByText("All stages OK")).toBeVisible();
  for (const stage of ["C_Initialize / slots", "Token present", "Login", "Test sign"]) {
    await expect(
      stages.getByRole("row", { name: new RegExp(`^${stage.replace("/", "\\/")} OK`) }),
    ).toBeVisible();
  }
  for (const stage of ["Reach (TCP)", "Handshake (NTLS)"]) {
    await expect(stages.getByRole("row").filter({ hasText: stage })).toContainText("Not applicable");
  }

  await page.getByRole("button", { name: "List slots" }).click();
  const slots = page.getByRole("table", { name: "Slots of hsm-console-local" });
  await expect(slots.getByRole("row").filter({ hasText: "hsm-console-local" })).toContainText("Present");
  // Numbered as `vtl listSlots` numbers them, from 1.
  await expect(slots.getByRole("row").nth(1).getByRole("cell").first()).toHaveText("slot #1");

  await page.getByRole("button", { name: "Open application access" }).click();
  const access = page.getByRole("table", { name: "Application access state" });
  await expect(access.getByRole("row").filter({ hasText: "hsm-console-local" })).toContainText("Open");
  await page.getByRole("button", { name: "Close application access" }).click();
  await expect(access.getByRole("row").filter({ hasText: "hsm-console-local" })).toContainText("Closed");
});

test("Upload HSM Packages: safenet.tar with a progress bar, listed; a bad tar is refused", async ({
  page,
}) => {
  await page.goto("/administration/settings/hsm-packages");
  // A slow uplink, so the progress bar is seen as a user on a real network would see it.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 256 * 1024,
  });
  await page.getByLabel("HSM type").selectOption("safenet");
  await page.getByLabel("Package file").setInputFiles({
    name: "safenet.tar",
    mimeType: "application/x-tar",
    buffer: safenetTar(),
  });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("progressbar", { name: "Upload progress" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("HSM Package uploaded successfully", {
    timeout: 30_000,
  });
  await expect(page.getByRole("status")).toContainText("client version 5.4.1-2");
  const row = page
    .getByRole("table", { name: "Stored HSM packages" })
    .getByRole("row")
    .filter({ hasText: "safenet.tar" });
  await expect(row).toContainText("5.4.1-2");
  await expect(row).toContainText("by admin");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });

  await page.getByLabel("Package file").setInputFiles({
    name: "holiday-photos.tar",
    mimeType: "application/x-tar",
    buffer: Buffer.alloc(4096, "not a tar at all"),
  });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.locator("main").getByRole("alert")).toContainText(/not a tar/i);
  await expect(page.getByRole("cell", { name: "holiday-photos.tar" })).toHaveCount(0);

  // Accepted with warnings: they stand in their own box, not inside the green success.
  const entries: HandEntry[] = SAFENET.map((name) => ({
    name: `${name}-5.4.1-2.x86_64.rpm`,
    body: name === "ckdemo" ? Buffer.alloc(1024, name) : Buffer.concat([RPM_LEAD, Buffer.alloc(1024, name)]),
  }));
  await page.getByLabel("Package file").setInputFiles({
    name: "safenet-checked.tar",
    mimeType: "application/x-tar",
    buffer: tarOf([...entries, { name: "notes.txt", body: Buffer.from("from the download page\n") }]),
  });
  await page.getByRole("button", { name: "Upload" }).click();
  const warnings = page.getByRole("region", { name: "Package warnings" });
  await expect(warnings).toContainText("ckdemo-5.4.1-2.x86_64.rpm does not start like an RPM file");
  await expect(warnings).toContainText("notes.txt");
  await expect(page.getByRole("status")).toContainText("HSM Package uploaded successfully");
  await expect(page.getByRole("status")).not.toContainText("does not start like an RPM");

  // Deleting asks first, naming the file.
  const checked = page.getByRole("row").filter({ hasText: "safenet-checked.tar" });
  await checked.getByRole("button", { name: "Delete safenet-checked.tar" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Delete package safenet-checked.tar" }).click();
  await expect(checked).toHaveCount(0);
});
