import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { MENU } from "../../components/shell/menu";
import { createCertificate } from "../support/create-certificate";

const GROUPS = "/templates/security/hsm-groups";
const CERTS = "/templates/security/ssl-certificates";
const SCHEMES = ["light", "dark"] as const;

/** Serious and critical axe violations on the page as shown now, as "rule: targets" lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
}

/**
 * Opens path in both colour schemes once it has loaded, brings it into a state (e.g. a refused
 * form, so error colours are checked too), and checks it with axe.
 */
async function checkPage(page: Page, path: string, state?: () => Promise<void>): Promise<void> {
  for (const colorScheme of SCHEMES) {
    await page.emulateMedia({ colorScheme });
    await page.goto(path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expect(page.getByText(/^Loading/)).toHaveCount(0);
    await state?.();
    const label = `${path}${state ? " with errors" : ""} (${colorScheme})`;
    expect.soft(await seriousViolations(page), label).toEqual([]);
  }
}

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the login page has no serious or critical axe violation", async ({ page }) => {
    await checkPage(page, "/login");
    await checkPage(page, "/login", async () => {
      await page.getByLabel("Username").fill("nobody");
      await page.getByLabel("Password").fill("not-the-password");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.locator("main").getByRole("alert")).toHaveText("Wrong username or password.");
    });
  });
});

test("every menu page, form and detail page has no serious or critical axe violation", async ({ page }) => {
  test.setTimeout(300_000);
  const menuPages = MENU.flatMap((s) => s.groups.flatMap((g) => g.links.map((l) => l.href)));

  // The built-in group exists in a fresh console; its pages are the detail pages to check.
  await page.goto(GROUPS);
  const group = await page.getByRole("link", { name: "Local-SoftHSM", exact: true }).getAttribute("href");
  expect(group).toBeTruthy();

  // A certificate made here gives the certificate detail page something to show.
  const name = `e2e-axe-${Date.now()}`;
  await createCertificate(page, name, "Self-signed");
  await expect(page.getByRole("heading", { level: 2 })).toContainText("Active");
  const certificate = new URL(page.url()).pathname;

  const pages = [
    "/",
    ...menuPages,
    `${GROUPS}/new`,
    `${group}`,
    `${group}/edit`,
    `${group}/connection`,
    `${group}/clients`,
    `${CERTS}/new`,
    `${CERTS}/import`,
    `${CERTS}/inventory?group=${group?.split("/").pop()}`,
    certificate,
    "/no/such/page",
  ];
  for (const path of pages) await checkPage(page, path);
  await checkPage(page, `${GROUPS}/new`, async () => {
    await page.getByRole("button", { name: "Create HSM group" }).click();
    await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  });
});
