import { expect, test } from "@playwright/test";
import { createCertificate } from "../support/create-certificate";

const PAGE = "/administration/settings/console-certificate";

test("the console's own HTTPS key: an admin chooses a certificate whose key is in Local-SoftHSM", async ({
  page,
}) => {
  const name = `console-https-${Date.now()}`;
  await createCertificate(page, name, "Self-signed");
  await expect(page.getByRole("heading", { level: 2 })).toContainText("Active");

  await page.goto(PAGE);
  await expect(page.getByRole("heading", { name: "Console Certificate" })).toBeVisible();
  // The running console serves its file certificate (no key chosen at its start).
  await expect(page.getByLabel("Serving now")).toContainText("certificate file");
  const select = page.getByLabel("Certificate for the console's HTTPS");
  await expect(select.locator("option", { hasText: name })).toHaveCount(1);
  await select.selectOption({ label: `${name} (CN=${name}.example.test)` });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toContainText(`the console serves ${name} from its next start`);

  // The choice is kept (this node's data folder) and shown again after a reload; then undone.
  await page.reload();
  await expect(page.getByLabel("Certificate for the console's HTTPS")).toHaveValue(/[0-9a-f-]{36}/);
  await page.getByLabel("Certificate for the console's HTTPS").selectOption({ label: "Certificate file (no HSM)" });
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toContainText("serves its certificate file from its next start");
});
