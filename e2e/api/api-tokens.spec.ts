import { expect, test } from "@playwright/test";

const NAME = "e2e-script";

test("an admin creates an API token, sees it once, uses it, revokes it", async ({
  page,
  playwright,
  baseURL,
}) => {
  await page.goto("/administration/api-tokens");
  await page.getByRole("button", { name: "Create API token" }).click();
  const form = page.getByRole("form", { name: "New API token" });
  await form.getByLabel("Name").fill(NAME);
  await form.getByLabel("Role").selectOption("read-only");
  await form.getByLabel("Expires in (days)").fill("7");
  await form.getByRole("button", { name: "Create token" }).click();

  const shown = page.getByRole("region", { name: "New API token" });
  await expect(shown.getByRole("status").first()).toHaveText(
    "Copy this token now: it will not be shown again.",
  );
  const secret = (await shown.locator("code").first().textContent())?.trim() ?? "";
  expect(secret).toMatch(/^hsmc_[A-Za-z0-9_-]{40,}$/);
  // Over plain HTTP there is no navigator.clipboard (see copy-over-http.spec.ts): here the API copies.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await shown.getByRole("button", { name: "Copy token" }).click();
  await expect(shown.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  // A client without the browser's cookies: only the token authenticates it.
  const api = await playwright.request.newContext({
    baseURL,
    ignoreHTTPSErrors: true,
    storageState: { cookies: [], origins: [] },
  });
  const auth = { authorization: `Bearer ${secret}` };
  const users = await api.get("/api/user", { headers: auth });
  expect(users.status()).toBe(200);
  expect((await users.json()).results).toEqual(
    expect.arrayContaining([expect.objectContaining({ username: "admin" })]),
  );
  // Read-only: a change is refused with the console's message.
  const refused = await api.post("/api/tenant", { headers: auth, data: { name: "from-e2e-token" } });
  expect(refused.status()).toBe(403);

  await shown.getByRole("button", { name: "Done" }).click();
  await expect(page.getByText(secret)).toHaveCount(0);
  await page.reload();
  await expect(page.getByText(secret)).toHaveCount(0);
  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: NAME });
  await expect(row).toContainText("active");
  await expect(row).toContainText(secret.slice(0, 9));
  await expect(row.getByRole("cell").nth(6)).not.toHaveText("Never"); // last used

  await row.getByRole("button", { name: `Revoke ${NAME}` }).click();
  await page
    .getByRole("dialog")
    .getByRole("button", { name: `Revoke token ${NAME}` })
    .click();
  await expect(row).toContainText("revoked");
  const afterRevoke = await api.get("/api/user", { headers: auth });
  expect(afterRevoke.status()).toBe(401);
  expect((await afterRevoke.json()).error.message).toMatch(/revoked/);
  await api.dispose();

  // The refusal is in the audit log.
  await page.goto("/administration/audit-log");
  await page.getByLabel("Action").fill("auth.token");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(
    page.getByRole("table", { name: "Audit entries" }).getByRole("row").filter({ hasText: NAME }).first(),
  ).toContainText("denied");
});

test("the API reference shows the generated paths, methods and schemas", async ({ page }) => {
  await page.goto("/administration/api-reference");
  const users = page.getByRole("region", { name: "/api/user", exact: true });
  await expect(users.getByRole("heading", { name: /POST Create a user/ })).toBeVisible();
  await expect(users.getByText("users.create")).toBeVisible();
  await expect(
    users.getByRole("table", { name: "Body" }).getByRole("row").filter({ hasText: "password" }),
  ).toContainText("min length 12");
  await expect(page.getByRole("region", { name: "/api/apitoken/{uuid}", exact: true })).toContainText(
    "apiTokens.revoke",
  );
  // The Avi-compatible objects, with the fields honoured and the differences that remain.
  const avi = page.getByRole("region", { name: /Avi-compatible API/ });
  const hsm = avi.getByRole("row").filter({ hasText: "/api/hardwaresecuritymodulegroup" });
  await expect(hsm).toContainText("partition_label");
  await expect(hsm).toContainText("partition_serial_number is read-only");
  await expect(page.getByRole("region", { name: "/login", exact: true })).toContainText("auth.login");
  await expect(page.getByRole("link", { name: "/api/openapi.json" })).toHaveAttribute(
    "href",
    "/api/openapi.json",
  );
});
