import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { E2E_DATA } from "../../playwright.config";
import { createCertificate, LIST } from "../support/create-certificate";

const softhsmEnv = { ...process.env, SOFTHSM2_CONF: path.join(E2E_DATA, "softhsm", "softhsm2.conf") };

/** In dir: a test CA (ca.key, ca.pem) signs req.csr into signed.pem for a TLS server name. */
function signWithTestCa(dir: string, dnsName: string): void {
  const run = (...args: string[]) =>
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key");
  run(
    "req",
    "-x509",
    "-new",
    "-key",
    "ca.key",
    "-out",
    "ca.pem",
    "-subj",
    "/CN=E2E Test CA",
    "-days",
    "30",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=keyCertSign,cRLSign",
  );
  fs.writeFileSync(
    path.join(dir, "leaf.ext"),
    `basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${dnsName}\n`,
  );
  run(
    "x509",
    "-req",
    "-in",
    "req.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "signed.pem",
    "-days",
    "20",
    "-extfile",
    "leaf.ext",
  );
}

/** The value shown for a term in the certificate details. */
async function detail(page: Page, term: string): Promise<string> {
  const dd = page
    .getByRole("region", { name: "Certificate details" })
    .locator("dt", { hasText: term })
    .locator("xpath=following-sibling::dd");
  return ((await dd.textContent()) ?? "").trim();
}

test("a self-signed EC certificate bound to Local-SoftHSM: listed, key in the HSM, found by pkcs11-tool", async ({
  page,
}) => {
  const name = `e2e-ec-${Date.now()}`;
  await createCertificate(page, name, "Self-signed");
  await expect(page.getByRole("heading", { level: 2 })).toContainText("Active");
  const key = page.getByRole("table", { name: "HSM members holding the key" });
  await expect(key.getByRole("row").nth(1)).toContainText("Yes");
  await expect(key.getByRole("row").nth(1)).toContainText("sensitive, never extractable");
  // Every flag as the token reports it (issue #13).
  await expect(key.getByRole("row").nth(1)).toContainText("CKA_NEVER_EXTRACTABLE true · CKA_LOCAL true");
  await page.getByRole("button", { name: "Test key" }).click();
  await expect(page.getByRole("list", { name: "Key test results" })).toContainText("OK");
  const details = page.getByRole("region", { name: "Certificate details" });
  const keyId =
    (
      await details
        .locator("dt", { hasText: "Key id (CKA_ID)" })
        .locator("xpath=following-sibling::dd")
        .textContent()
    )?.trim() ?? "";
  await details.getByText("Certificate PEM", { exact: true }).click();
  const certPem = (await details.locator("pre").first().textContent()) ?? "";

  await page.goto(LIST);
  const row = page.getByRole("row").filter({ hasText: name });
  // Where the key lives: the group and the member holding it (a single-member group).
  await expect(row).toContainText("HSM group Local-SoftHSM — held by hsm-console-local");
  await expect(row).toContainText("EC P-256");

  // A second PKCS#11 consumer sees the key's public object (same ID and label) without logging in,
  // and its public key is the certificate's.
  const listing = execFileSync(
    "pkcs11-tool",
    ["--module", "/usr/lib/softhsm/libsofthsm2.so", "--token-label", "hsm-console-local", "-O"],
    {
      env: softhsmEnv,
    },
  ).toString();
  expect(listing).toContain(`label:      hsm-console:${name}`);
  expect(listing).toContain(`ID:         ${keyId}`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-cert-"));
  try {
    execFileSync(
      "pkcs11-tool",
      [
        "--module",
        "/usr/lib/softhsm/libsofthsm2.so",
        "--token-label",
        "hsm-console-local",
        "--read-object",
        "--type",
        "pubkey",
        "--id",
        keyId,
        "-o",
        path.join(dir, "pub.der"),
      ],
      { env: softhsmEnv },
    );
    fs.writeFileSync(path.join(dir, "cert.pem"), certPem);
    const fromToken = execFileSync("openssl", [
      "pkey",
      "-pubin",
      "-inform",
      "DER",
      "-in",
      path.join(dir, "pub.der"),
    ]).toString();
    const fromCert = execFileSync("openssl", [
      "x509",
      "-in",
      path.join(dir, "cert.pem"),
      "-noout",
      "-pubkey",
    ]).toString();
    expect(fromToken).toBe(fromCert);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("CSR → download → signed by an openssl test CA → upload → active; another key's certificate is refused", async ({
  page,
}) => {
  const name = `e2e-csr-${Date.now()}`;
  await createCertificate(page, name, "CSR (signed by a certificate authority)");
  await expect(page.getByRole("heading", { level: 2 })).toContainText("Awaiting certificate");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-csr-"));
  try {
    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download CSR" }).click();
    await (await downloading).saveAs(path.join(dir, "req.csr"));
    signWithTestCa(dir, `${name}.example.test`);

    const upload = page.getByRole("form", { name: "Upload signed certificate" });
    await upload
      .getByRole("textbox", { name: "Signed certificate (PEM)" })
      .fill(fs.readFileSync(path.join(dir, "ca.pem"), "utf8"));
    await upload.getByRole("button", { name: "Upload certificate" }).click();
    await expect(upload.getByText(/issued for another key/)).toBeVisible();

    await upload
      .getByRole("textbox", { name: "Signed certificate (PEM)" })
      .fill(fs.readFileSync(path.join(dir, "signed.pem"), "utf8"));
    await upload
      .getByRole("textbox", { name: "Chain (PEM, optional)" })
      .fill(fs.readFileSync(path.join(dir, "ca.pem"), "utf8"));
    await upload.getByRole("button", { name: "Upload certificate" }).click();
    await expect(page.getByRole("heading", { level: 2 })).toContainText("Active");
    // The page now shows the certificate, not the request and its upload form.
    await expect(page.getByRole("region", { name: "Certificate signing request" })).toHaveCount(0);
    await expect(upload).toHaveCount(0);
    await expect(page.getByText("Pending CSR")).toHaveCount(0);
    await expect(page.getByRole("region", { name: "Certificate details" })).toContainText("CN=E2E Test CA");
    // 20 days left: flagged as expiring soon.
    await expect(page.getByRole("heading", { level: 2 })).toContainText("Expiring soon");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("reference a key already in the HSM by PKCS#11 URI + certificate: active, marked referenced; another key's certificate is refused on its field", async ({
  page,
}) => {
  // The key: made in the token by a CSR certificate; its CSR is signed by a test CA outside.
  const source = `e2e-keysrc-${Date.now()}`;
  await createCertificate(page, source, "CSR (signed by a certificate authority)");
  await expect(page.getByRole("heading", { level: 2 })).toContainText("Awaiting certificate");
  const keyUri = await detail(page, "PKCS#11 URI");
  expect(keyUri).toMatch(/^pkcs11:.*type=private/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2e-ref-"));
  try {
    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download CSR" }).click();
    await (await downloading).saveAs(path.join(dir, "req.csr"));
    signWithTestCa(dir, `${source}.example.test`);

    const name = `e2e-ref-${Date.now()}`;
    await page.goto(LIST);
    await page.getByRole("link", { name: "Import certificate" }).click();
    await page.getByRole("radio", { name: /Key already in the HSM/ }).check();
    const form = page.getByRole("form", { name: "Reference a key in the HSM" });
    await form.getByLabel("Name", { exact: true }).fill(name);
    await form.getByLabel("HSM group", { exact: true }).selectOption({ label: "Local-SoftHSM" });
    await form.getByLabel("PKCS#11 URI", { exact: true }).fill(keyUri);
    const certificate = form.getByLabel("Certificate (PEM)", { exact: true });
    // The CA's own certificate carries another key: refused, with the error on the certificate field.
    await certificate.fill(fs.readFileSync(path.join(dir, "ca.pem"), "utf8"));
    await form.getByRole("button", { name: "Reference key" }).click();
    await expect(certificate).toHaveAccessibleDescription(/does not belong to this key/);
    await expect(page).toHaveURL(/\/import$/);

    await certificate.fill(fs.readFileSync(path.join(dir, "signed.pem"), "utf8"));
    await form
      .getByLabel("Chain (PEM, optional)", { exact: true })
      .fill(fs.readFileSync(path.join(dir, "ca.pem"), "utf8"));
    await form.getByRole("button", { name: "Reference key" }).click();
    const heading = page.getByRole("heading", { level: 2 });
    await expect(heading).toContainText(name);
    await expect(heading).toContainText("Active");
    await expect(heading).toContainText("referenced");
    await expect(page.getByText("Referenced: the key was already in the HSM")).toBeVisible();
    expect(await detail(page, "PKCS#11 URI")).toContain(keyUri.match(/id=[^;]+/)![0]);
    expect(await detail(page, "Key location")).toBe("HSM group Local-SoftHSM — held by hsm-console-local");

    await page.goto(LIST);
    const row = page.getByRole("row").filter({ hasText: name });
    await expect(row).toContainText("referenced");
    await expect(row).toContainText("HSM group Local-SoftHSM — held by hsm-console-local");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
