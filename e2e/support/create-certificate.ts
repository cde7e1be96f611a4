import { expect, type Page } from "@playwright/test";

export const LIST = "/templates/security/ssl-certificates";

/** Creates a certificate with an EC P-256 key in Local-SoftHSM through the form; ends on its page. */
export async function createCertificate(
  page: Page,
  name: string,
  type: "Self-signed" | "CSR (signed by a certificate authority)",
) {
  await page.goto(LIST);
  await page.getByRole("link", { name: "Create application certificate" }).click();
  const form = page.getByRole("form", { name: "New certificate" });
  await form.getByLabel("Name", { exact: true }).fill(name);
  await form.getByLabel("Type", { exact: true }).selectOption({ label: type });
  await form.getByLabel("HSM group").selectOption({ label: "Local-SoftHSM" });
  // Key types come from the token's mechanisms.
  await expect(
    form.getByLabel("Key", { exact: true }).locator("option", { hasText: "EC P-256" }),
  ).toHaveCount(1);
  await form.getByLabel("Key", { exact: true }).selectOption({ label: "EC P-256" });
  await form.getByLabel("Common name (CN)").fill(`${name}.example.test`);
  await form.getByLabel("DNS names (SAN)").fill(`${name}.example.test`);
  await form.getByRole("button", { name: "Create certificate" }).click();
  await expect(page.getByRole("heading", { level: 2 })).toContainText(name);
}
