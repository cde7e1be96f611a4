import { expect, test } from "@playwright/test";

test("the HSM groups list shows each member's measured health", async ({ page }) => {
  await page.goto("/templates/security/hsm-groups");
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "Local-SoftHSM" }) });
  const health = row.getByRole("list", { name: "Member health" });
  await expect(health.locator(".badge").first()).toHaveText("reachable");
  await expect(health).toContainText("hsm-console-local");
  await expect(health).toContainText(/\d+(\.\d)? ms/);
});
