import { expect, test } from "@playwright/test";
import { createCertificate } from "../support/create-certificate";

test("the HSM group's health page charts its member's operations and shows certificate expiry", async ({
  page,
}) => {
  // A real key generation in Local-SoftHSM, then the list's health probe of every member.
  await createCertificate(page, "health-picture", "Self-signed");
  await page.goto("/templates/security/hsm-groups");
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "Local-SoftHSM" }) });
  await expect(row.getByRole("list", { name: "Member health" })).toContainText(/\d+(\.\d)? ms/);

  await row.getByRole("link", { name: "Local-SoftHSM", exact: true }).click();
  await page.getByRole("link", { name: "Health", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("HSM group health");
  const member = page.getByRole("region", { name: "Member hsm-console-local" });
  await expect(member.getByText("answered")).toBeVisible();
  await expect(member.getByRole("img", { name: /^Latency, last hour .*highest/ })).toBeVisible();
  await expect(
    member.getByRole("img", { name: /^Operations per 1 min, last hour: .*highest [1-9]/ }),
  ).toBeVisible();
  const expiry = page.getByRole("region", { name: "Certificate expiry" });
  await expect(expiry.getByRole("row").filter({ hasText: "health-picture" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Workers and sessions" })).toContainText("running");
});

test("health endpoints answer without a credential; metrics refuse when not configured", async ({
  request,
}) => {
  const ready = await request.get("/readyz");
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toMatchObject({ status: "ready" });
  expect(ready.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  expect((await request.get("/healthz")).status()).toBe(200);
  expect((await request.get("/metrics")).status()).toBe(403);
});
