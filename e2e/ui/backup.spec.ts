import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";

test("Administration > Backup: shows what a backup holds, downloads it, and lists it in the history", async ({
  page,
}, testInfo) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Backup", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Backup", level: 1 })).toBeVisible();
  const holds = page.getByRole("region", { name: "What a backup holds" });
  await expect(holds).toContainText("Embedded PGlite");
  await expect(holds).toContainText("hsm-console-local");
  const fingerprint = (await page
    .getByRole("region", { name: "Master key" })
    .locator("code")
    .first()
    .textContent())!;
  expect(fingerprint).toMatch(/^SHA256:[0-9a-f]{64}$/);

  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Download backup" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^hsm-console-backup-.*\.tar\.gz$/);
  const file = testInfo.outputPath("backup.tar.gz");
  await download.saveAs(file);
  const manifest = JSON.parse(execFileSync("tar", ["-xzOf", file, "manifest.json"], { encoding: "utf8" }));
  expect(manifest.masterKey).toEqual({ fingerprint, inArchive: false });
  expect(manifest.files.some((f: { path: string }) => f.path.startsWith("softhsm/tokens/"))).toBe(true);
  expect(fs.statSync(file).size).toBeGreaterThan(0);

  await page.reload();
  const history = page.getByRole("table", { name: "Backups and restores" });
  await expect(history.getByRole("row").nth(1)).toContainText("Backup");
  await expect(history.getByRole("row").nth(1)).toContainText("success");
});
