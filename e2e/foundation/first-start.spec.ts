import { expect, test } from "@playwright/test";
import { MENU } from "../../components/shell/menu";
import { ADMIN_STATE } from "../../playwright.config";
import { ADMIN_PASSWORD, ADMIN_USER, readSetupToken } from "../support/paths";
import { signIn } from "../support/sign-in";

test("first start: setup token, admin account, every menu, sign out, wrong password", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up HSM Console" })).toBeVisible();

  // A wrong token is refused on its field; nothing is created.
  await page.getByLabel("Setup token").fill("not-the-token");
  await page.getByLabel("Password", { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByLabel("Repeat password").fill(ADMIN_PASSWORD);
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByText("This setup token is not valid")).toBeVisible();

  await page.getByLabel("Setup token").fill(readSetupToken());
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByRole("heading", { name: "Getting started" })).toBeVisible();
  await expect(page.getByText(`${ADMIN_USER} · Administrator`)).toBeVisible();

  // Walk every menu entry of the shell: each page names its place in the menu.
  const nav = page.getByRole("navigation", { name: "Main menu" });
  for (const section of MENU) {
    for (const group of section.groups) {
      for (const link of group.links) {
        await nav.getByRole("link", { name: link.label, exact: true }).click();
        await expect(page).toHaveURL(new RegExp(`${link.href}$`));
        await expect(page.locator("main h1")).toHaveText(link.label);
        await expect(page.locator("main .breadcrumb")).toContainText(section.label);
      }
    }
  }

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/administration/users");
  await expect(page).toHaveURL(/\/login$/);

  await page.getByLabel("Username").fill(ADMIN_USER);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("main").getByRole("alert")).toHaveText("Wrong username or password.");

  await signIn(page, ADMIN_USER, ADMIN_PASSWORD);
  await page.context().storageState({ path: ADMIN_STATE });
});
