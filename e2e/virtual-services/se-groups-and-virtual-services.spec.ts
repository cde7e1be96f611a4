import { expect, test } from "@playwright/test";

const SE_GROUPS = "/infrastructure/clouds/default-cloud/service-engine-groups";
const ECHO = process.env.HSM_CONSOLE_ECHO_PORT ?? "8081";
const VIP = "127.0.94.20";
const PORT = String(24_000 + Math.floor(Math.random() * 1000));

test("Default-Group runs se-1; associating Local-SoftHSM needs a restart, Restart applies it", async ({
  page,
}) => {
  await page.goto(SE_GROUPS);
  const group = page.getByRole("region", { name: "Service engine group Default-Group" });
  const ses = group.getByRole("table", { name: "Service engines of Default-Group" });
  const se1 = ses.getByRole("row").filter({ hasText: "se-1" });
  await expect(se1.getByText("running", { exact: true })).toBeVisible();
  await expect(se1).toContainText("127.0.0.1");
  await expect(
    page.getByText("Restarting a service engine briefly interrupts the traffic it serves"),
  ).toBeVisible();

  await group.getByRole("button", { name: "Edit Default-Group" }).click();
  const form = group.getByRole("form", { name: "Edit Default-Group" });
  await form.getByLabel("HSM group").selectOption({ label: "Local-SoftHSM" });
  await form.getByRole("button", { name: "Save" }).click();
  await expect(group).toContainText("Local-SoftHSM");
  await expect(se1.getByText("restart required", { exact: true })).toBeVisible();
  await expect(se1).toContainText('HSM group changed to "Local-SoftHSM"');
  await expect(se1).toContainText("not needed (local PKCS#11 module)");

  await se1.getByRole("button", { name: "Restart se-1" }).click();
  await page
    .getByRole("dialog", { name: "Restart service engine se-1?" })
    .getByRole("button", { name: "Restart se-1 now" })
    .click();
  await expect(se1.getByText("running", { exact: true })).toBeVisible();
  await expect(se1).not.toContainText("HSM group changed");

  await group.getByRole("button", { name: "Restart all, one at a time" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Restart all of Default-Group" }).click();
  await expect(group.getByRole("status").filter({ hasText: "Restarted se-1, one at a time." })).toBeVisible();
});

test("a virtual service: field errors first, then it goes up and Test reaches the pool", async ({ page }) => {
  await page.goto("/applications/virtual-services");
  await page.getByRole("button", { name: "Create virtual service" }).click();
  const wizard = page.getByRole("form", { name: "New virtual service" });
  await wizard.getByLabel("Name").fill("e2e-web");
  await wizard.getByLabel("VIP address").fill("10.1.2");
  await wizard.getByLabel("Port 1", { exact: true }).fill(PORT);
  await expect(wizard.getByLabel("SSL on port 1")).toBeChecked();
  await expect(wizard.getByText(`built-in echo pool server on 127.0.0.1:${ECHO}`)).toBeVisible();
  await wizard.getByRole("button", { name: "Add pool server" }).click();
  await expect(wizard.getByLabel("Server 1 port")).toHaveValue(ECHO);
  await wizard.getByRole("button", { name: "Next" }).click();
  await wizard.getByLabel("Service engine group").selectOption({ label: "Default-Group" });
  await wizard.getByRole("button", { name: "Save" }).click();
  // The form's own check: back on step 1 with the field named.
  await expect(wizard.getByText("Enter an IPv4 VIP address, e.g. 127.0.94.10.")).toBeVisible();

  await wizard.getByLabel("VIP address").fill(VIP);
  await wizard.getByRole("button", { name: "Next" }).click();
  await wizard.getByRole("button", { name: "Save" }).click();
  // The server's check: SSL on without a certificate, shown beside the certificate field.
  await expect(wizard.getByText("SSL is on for a service port: choose an SSL certificate.")).toBeVisible();

  // No HSM certificate in this run (certificates are another feature): serve plain HTTP.
  await wizard.getByLabel("SSL on port 1").uncheck();
  await wizard.getByRole("button", { name: "Next" }).click();
  await wizard.getByRole("button", { name: "Save" }).click();
  const detail = page.getByRole("region", { name: "Virtual service e2e-web" });
  await expect(detail).toContainText("up");
  const row = page
    .getByRole("table", { name: "Virtual services" })
    .getByRole("row")
    .filter({ hasText: "e2e-web" });
  await expect(row.getByText("up", { exact: true })).toBeVisible();

  await detail.getByRole("button", { name: "Test" }).click();
  const result = detail.getByRole("status", { name: "Test result" });
  await expect(result).toContainText(`${VIP}:${PORT} answered HTTP 200`);
  await expect(result).toContainText("built-in-echo");

  await detail.getByRole("button", { name: "Delete e2e-web" }).click();
  // Cancel leaves the virtual service; confirming deletes it.
  const dialog = page.getByRole("dialog", { name: "Delete virtual service e2e-web?" });
  await expect(dialog).toContainText("This cannot be undone");
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(detail.getByRole("button", { name: "Delete e2e-web" })).toBeFocused();
  await detail.getByRole("button", { name: "Delete e2e-web" }).click();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(detail).toBeVisible();
  await detail.getByRole("button", { name: "Delete e2e-web" }).click();
  await dialog.getByRole("button", { name: "Delete virtual service e2e-web" }).click();
  await expect(page.getByText("No virtual services yet")).toBeVisible();
});
