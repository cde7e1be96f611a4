import { expect, test } from "@playwright/test";

test("Administration > Cluster lists this console node, up, with the SEs it hosts", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Cluster" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Cluster" })).toBeVisible();
  const nodes = page.getByRole("table", { name: "Console nodes" });
  const self = nodes.getByRole("row").filter({ hasText: "this node" });
  await expect(self).toHaveCount(1);
  await expect(self.getByRole("cell").nth(1)).toContainText("up");
  // Default-Group's se-1 runs on the only node.
  await expect(self.getByRole("cell").nth(6)).toContainText("se-1");
});
