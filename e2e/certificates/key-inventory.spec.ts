import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E_DATA } from "../../playwright.config";

const LIB = "/usr/lib/softhsm/libsofthsm2.so";
const GROUP = `orphans-${Date.now().toString(36)}`;
const PIN = "87654321";

/** A key tagged as this console's whose CKA_ID (UUIDv7) says it was made two hours ago. */
function oldConsoleKeyId(): string {
  const ms = (Date.now() - 2 * 3600_000).toString(16).padStart(12, "0");
  return `${ms}7${crypto.randomBytes(10).toString("hex").slice(0, 19)}`;
}

test("the key inventory opens on the group you came from; removing an orphan asks first, Cancel keeps it", async ({
  page,
}) => {
  // Inside the data folder: the installation allows SoftHSM configurations only there.
  fs.mkdirSync(path.resolve(E2E_DATA), { recursive: true });
  const dir = fs.mkdtempSync(path.join(path.resolve(E2E_DATA), "e2e-orphans-"));
  const conf = path.join(dir, "softhsm2.conf");
  fs.mkdirSync(path.join(dir, "tokens"));
  fs.writeFileSync(conf, `directories.tokendir = ${path.join(dir, "tokens")}\nobjectstore.backend = file\n`);
  // The console's PKCS#11 worker may run as another system user.
  fs.chmodSync(dir, 0o755);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const tool = (...args: string[]) =>
    execFileSync("pkcs11-tool", ["--module", LIB, "--token-label", "orphans", ...args], { env }).toString();
  try {
    execFileSync(
      "softhsm2-util",
      ["--init-token", "--free", "--label", "orphans", "--so-pin", "12345678", "--pin", PIN],
      { env },
    );
    execFileSync("chmod", ["-R", "a+rwX", dir]);
    const label = `hsm-console:${GROUP}-key`;
    tool(
      "--login",
      "--pin",
      PIN,
      "--keypairgen",
      "--key-type",
      "EC:prime256v1",
      "--label",
      label,
      "--id",
      oldConsoleKeyId(),
    );
    execFileSync("chmod", ["-R", "a+rwX", dir]);

    await page.goto("/templates/security/hsm-groups/new");
    await page.getByLabel("Name").fill(GROUP);
    await page.getByLabel("Type").selectOption("pkcs11-module");
    await page.getByLabel("PKCS#11 library").selectOption(LIB);
    await page.getByLabel("Library environment").fill(`SOFTHSM2_CONF=${conf}`);
    await page.getByLabel("Token label").fill("orphans");
    await page.getByLabel("PIN", { exact: true }).fill(PIN);
    await page.getByRole("button", { name: "Create HSM group" }).click();
    await expect(page.getByRole("heading", { name: GROUP })).toBeVisible();

    await page.getByRole("link", { name: "Key inventory" }).click();
    await expect(page).toHaveURL(/inventory\?group=/);
    await expect(page.getByLabel("HSM group")).toHaveValue(/.+/);
    await expect(page.getByLabel("HSM group").locator("option:checked")).toHaveText(GROUP);
    const row = page.getByRole("table", { name: "Key objects" }).getByRole("row").filter({ hasText: label });
    await expect(row).toContainText("Orphan");

    await page.reload();
    await expect(page.getByLabel("HSM group").locator("option:checked")).toHaveText(GROUP);
    await row.getByRole("button", { name: `Remove orphan ${label}` }).click();
    const dialog = page.getByRole("dialog", { name: `Destroy orphan key ${label}?` });
    await expect(dialog).toContainText("cannot be undone");
    const confirm = dialog.getByRole("button", { name: `Delete key ${label}` });
    await expect(confirm).toBeDisabled();
    await expect(dialog.getByLabel(`Type ${label} to confirm`)).toBeFocused();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toHaveCount(0);
    await expect(row).toBeVisible();
    expect(tool("-O")).toContain(label);

    await row.getByRole("button", { name: `Remove orphan ${label}` }).click();
    await dialog.getByLabel(`Type ${label} to confirm`).fill(label);
    await confirm.click();
    await expect(row).toHaveCount(0);
    expect(tool("-O")).not.toContain(label);

    await page.goto("/templates/security/hsm-groups");
    await page.getByRole("link", { name: GROUP, exact: true }).click();
    await page.getByRole("button", { name: "Delete", exact: true }).click();
    await page
      .getByRole("dialog")
      .getByRole("button", { name: `Delete HSM group ${GROUP}` })
      .click();
    await expect(page.getByRole("link", { name: GROUP })).toHaveCount(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
