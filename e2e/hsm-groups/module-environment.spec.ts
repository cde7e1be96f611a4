import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E_DATA } from "../../playwright.config";

const NAME = `vendor-env-${Date.now().toString(36)}`;

/** Inside the data folder: where the installation's default allow-list lets SOFTHSM2_CONF point. */
const CONF = path.join(path.resolve(E2E_DATA), "vendor", "softhsm2.conf");

test("a PKCS#11 module group takes a listed library and its environment: a runtime variable or a path outside the allowed folders is refused on the field, the saved group lists the variables", async ({
  page,
}) => {
  await page.goto("/templates/security/hsm-groups");
  await page.getByRole("link", { name: "Create HSM group" }).click();
  await page.getByLabel("Name").fill(NAME);
  await page.getByLabel("Type").selectOption("pkcs11-module");
  // A choice among the installation's libraries, not a typed path.
  const library = page.getByLabel("PKCS#11 library");
  await expect(library.getByRole("option")).toContainText([
    "Choose a library…",
    "SoftHSM 2",
    "p11-kit client",
  ]);
  await library.selectOption("/usr/lib/softhsm/libsofthsm2.so");
  const env = page.getByLabel("Library environment");
  await env.fill("SOFTHSM2_CONF=/etc/softhsm/softhsm2.conf\nLD_PRELOAD=/tmp/evil.so");
  await page.getByLabel("Token label").fill("vendor");
  await page.getByLabel("PIN", { exact: true }).fill("1234");
  await page.getByRole("button", { name: "Create HSM group" }).click();
  await expect(env).toHaveAccessibleDescription(/Line 2: LD_PRELOAD changes how the console's processes run/);
  await expect(page.getByRole("heading", { name: NAME })).toHaveCount(0);

  await env.fill("SOFTHSM2_CONF=/etc/softhsm/softhsm2.conf");
  await page.getByRole("button", { name: "Create HSM group" }).click();
  await expect(env).toHaveAccessibleDescription(/SOFTHSM2_CONF must be an absolute path .* inside/);

  await env.fill(`# the token's own SoftHSM configuration\nSOFTHSM2_CONF=${CONF}`);
  await page.getByRole("button", { name: "Create HSM group" }).click();
  await expect(page.getByRole("heading", { name: NAME })).toBeVisible();
  const group = page.getByRole("region", { name: "Group" });
  await expect(group).toContainText("Library environment");
  await expect(group).toContainText(`SOFTHSM2_CONF=${CONF}`);
  await expect(group).not.toContainText("# the token's");

  // Leave the list as it was.
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: `Delete HSM group ${NAME}` })
    .click();
  await expect(page).toHaveURL(/\/templates\/security\/hsm-groups$/);
  await expect(page.getByRole("link", { name: "Local-SoftHSM", exact: true })).toBeVisible();
  await expect(page.getByRole("link", { name: NAME })).toHaveCount(0);
});
