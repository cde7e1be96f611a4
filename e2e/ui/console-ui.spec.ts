import { expect, test } from "@playwright/test";

const CERTS = "/templates/security/ssl-certificates";
const MISSING = "00000000-0000-4000-8000-000000000000";

test("keyboard: the skip link comes first and moves to the page; focus is visible", async ({ page }) => {
  await page.goto("/templates/security/hsm-groups");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  expect(await skip.evaluate((e) => getComputedStyle(e).outlineStyle)).not.toBe("none");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("main")).toBeFocused();
  await page.keyboard.press("Tab");
  const focused = page.locator(":focus");
  expect(await focused.evaluate((e) => getComputedStyle(e).outlineStyle)).toBe("solid");
});

test("no page of the menu asks for a resource that fails", async ({ page }) => {
  const failed: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on("console", (m) => {
    if (m.type() === "error") failed.push(`console: ${m.text()}`);
  });
  await page.goto("/");
  const links = page.getByRole("navigation", { name: "Main menu" }).getByRole("link");
  const hrefs = await links.evaluateAll((as) => as.map((a) => a.getAttribute("href") ?? ""));
  expect(hrefs.length).toBeGreaterThan(5);
  for (const href of hrefs) {
    await page.goto(href);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByText(/^Loading/)).toHaveCount(0);
  }
  expect(failed).toEqual([]);
});

test("dark mode follows prefers-color-scheme", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(await background()).toBe("rgb(244, 246, 248)");
  await page.emulateMedia({ colorScheme: "dark" });
  expect(await background()).toBe("rgb(17, 22, 28)");
});

test("the certificate list keeps search and sort in the URL across a reload", async ({ page }) => {
  await page.goto(CERTS);
  await page.getByLabel("Search").fill("e2e-");
  await expect(page).toHaveURL(/search=e2e-/);
  await page.getByRole("button", { name: "Expiry" }).click();
  await expect(page).toHaveURL(/sort=expiry/);
  await page.getByRole("button", { name: "Expiry" }).click();
  await expect(page).toHaveURL(/direction=desc/);
  await page.reload();
  await expect(page.getByLabel("Search")).toHaveValue("e2e-");
  await expect(page.getByRole("columnheader", { name: "Expiry" })).toHaveAttribute("aria-sort", "descending");
});

test("a missing certificate or page shows Not found, asking the server once", async ({ page }) => {
  const asked: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("certificates.get")) asked.push(r.url());
  });
  await page.goto(`${CERTS}/${MISSING}`);
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
  // The shell stays: the menu is still there.
  await expect(page.getByRole("navigation", { name: "Main menu" })).toBeVisible();
  expect(asked).toHaveLength(1);

  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
});

test("copy without the Clipboard API (plain HTTP): the token is copied by selection, Copied is shown", async ({
  page,
  context,
}) => {
  const name = `e2e-copy-${Date.now().toString(36)}`;
  // Over plain HTTP browsers give no navigator.clipboard: take it away on this page only.
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined });
  });
  await page.goto("/administration/api-tokens");
  await page.getByRole("button", { name: "Create API token" }).click();
  const form = page.getByRole("form", { name: "New API token" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Expires in (days)").fill("1");
  await form.getByRole("button", { name: "Create token" }).click();
  const shown = page.getByRole("region", { name: "New API token" });
  const secret = (await shown.locator("code").first().textContent())?.trim() ?? "";
  expect(await page.evaluate(() => typeof navigator.clipboard)).toBe("undefined");
  await shown.getByRole("button", { name: "Copy token" }).click();
  await expect(shown.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();

  // Another page of the same browser, with the API, reads what was copied.
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const reader = await context.newPage();
  await reader.goto("/");
  expect(await reader.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await reader.close();

  // Revoking asks first: Cancel keeps the token active, confirming revokes it.
  await shown.getByRole("button", { name: "Done" }).click();
  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: name });
  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Revoke API token ${name}?` });
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(row).toContainText("active");
  await row.getByRole("button", { name: `Revoke ${name}` }).click();
  await dialog.getByRole("button", { name: `Revoke token ${name}` }).click();
  await expect(row).toContainText("revoked");
});
