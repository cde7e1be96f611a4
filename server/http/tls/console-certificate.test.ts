import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/server/config/env";
import { createSelfSigned } from "@/server/ntls/self-signed";
import { useTempDataDir } from "@/server/testing/test-env";
import { ensureConsoleTls } from "./console-certificate";

describe("the console's HTTPS certificate", () => {
  afterEach(() => {
    delete process.env.HSM_CONSOLE_TLS_CERT;
    delete process.env.HSM_CONSOLE_TLS_KEY;
    resetEnvForTests();
  });

  it("is created on first start (key 0600 in the data folder) and reused after", async () => {
    const data = useTempDataDir();
    const first = await ensureConsoleTls();
    expect(first).toMatchObject({ source: "generated", created: true });
    const keyFile = path.join(data, "tls", "console.key");
    expect((fs.statSync(keyFile).mode & 0o777).toString(8)).toBe("600");
    const cert = new X509Certificate(fs.readFileSync(path.join(data, "tls", "console.crt")));
    expect(cert.fingerprint256).toBe(first.fingerprint);
    expect(cert.subjectAltName).toContain("DNS:localhost");
    expect(cert.subjectAltName).toContain("IP Address:127.0.0.1");

    const again = await ensureConsoleTls();
    expect(again).toMatchObject({ source: "generated", created: false, fingerprint: first.fingerprint });
    expect(again.keyPem).toBe(first.keyPem);
  });

  it("uses a supplied certificate and key, and names the setting when they do not match", async () => {
    const data = useTempDataDir();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-tls-supplied-"));
    const mine = await createSelfSigned({ commonName: "console.example", dnsNames: ["console.example"] });
    const other = await createSelfSigned({ commonName: "other.example" });
    fs.writeFileSync(path.join(dir, "c.pem"), mine.certPem);
    fs.writeFileSync(path.join(dir, "k.pem"), mine.keyPem);
    fs.writeFileSync(path.join(dir, "other.pem"), other.keyPem);
    process.env.HSM_CONSOLE_TLS_CERT = path.join(dir, "c.pem");
    process.env.HSM_CONSOLE_TLS_KEY = path.join(dir, "k.pem");
    resetEnvForTests();
    const supplied = await ensureConsoleTls();
    expect(supplied).toMatchObject({ source: "supplied", fingerprint: mine.fingerprint });
    expect(fs.existsSync(path.join(data, "tls"))).toBe(false);

    process.env.HSM_CONSOLE_TLS_KEY = path.join(dir, "other.pem");
    resetEnvForTests();
    await expect(ensureConsoleTls()).rejects.toThrow(/HSM_CONSOLE_TLS_KEY: this key does not belong/);
    delete process.env.HSM_CONSOLE_TLS_KEY;
    resetEnvForTests();
    await expect(ensureConsoleTls()).rejects.toThrow(/set both HSM_CONSOLE_TLS_CERT and HSM_CONSOLE_TLS_KEY/);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
