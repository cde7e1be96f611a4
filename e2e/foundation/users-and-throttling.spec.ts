import { expect, test } from "@playwright/test";

const USER = "throttle-target";
const PASSWORD = "throttle-target-password";

test("an admin creates a user; repeated wrong passwords throttle that account", async ({ page, browser }) => {
  await page.goto("/administration/users");
  await page.getByRole("button", { name: "Create user" }).click();
  const form = page.getByRole("form", { name: "New user" });
  await form.getByLabel("Username").fill(USER);
  await form.getByLabel("Password").fill("short");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(form.getByText("Password must be at least 12 characters.")).toBeVisible();
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByLabel("Role").selectOption("operator");
  await form.getByRole("button", { name: "Create user" }).click();
  await expect(page.getByRole("cell", { name: USER, exact: true })).toBeVisible();

  const anonymous = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const login = await anonymous.newPage();
  await login.goto("/login");
  const alert = login.locator("main").getByRole("alert");
  for (let attempt = 1; attempt <= 5; attempt++) {
    await login.getByLabel("Username").fill(USER);
    await login.getByLabel("Password").fill(`wrong-${attempt}`);
    await login.getByRole("button", { name: "Sign in" }).click();
    await expect(alert).toHaveText("Wrong username or password.");
    await login.getByLabel("Password").fill("");
  }
  // Now even the right password is refused, with the reason and the wait.
  await login.getByLabel("Username").fill(USER);
  await login.getByLabel("Password").fill(PASSWORD);
  await login.getByRole("button", { name: "Sign in" }).click();
  await expect(alert).toContainText("Too many failed sign-in attempts for this account");
  await anonymous.close();

  // The audit log shows who did it and the refusals.
  await page.goto("/administration/audit-log");
  await page.getByLabel("Action").fill("users.create");
  await page.getByRole("button", { name: "Filter" }).click();
  const entries = page.getByRole("table", { name: "Audit entries" });
  await expect(entries.getByRole("row").filter({ hasText: USER }).first()).toContainText("success");
  await page.getByLabel("Action").fill("auth.login");
  await page.getByLabel("Outcome").selectOption("denied");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(
    entries
      .getByRole("row")
      // Refusals before sign-in are counted on one row per address and hour, not one row each.
      .filter({ hasText: "not signed in" })
      .first(),
  ).toBeVisible();
});
