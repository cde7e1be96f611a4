import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { P11_KIT_CLIENT_MODULE } from "@/server/config/system-libraries";
import { renderNginxConfig, renderOpensslConf } from "./render-config";
import type { ServiceEngineSpec } from "./types";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

function spec(overrides: Partial<ServiceEngineSpec> = {}): ServiceEngineSpec {
  return {
    name: "se-1",
    dataDir: "/data/se/se-1",
    hsm: { kind: "softhsm", softhsmConf: "/data/softhsm2.conf", tokenLabel: "web", pin: "1234" },
    virtualServices: [
      {
        id: "shop",
        name: "Shop",
        vip: "127.0.0.150",
        ports: [
          { port: 8443, ssl: true },
          { port: 8080, ssl: false },
        ],
        certificatePem: CERT,
        keyUri: "pkcs11:token=web;id=%01;type=private",
        pool: [{ host: "127.0.0.1", port: 9000 }],
      },
    ],
    ...overrides,
  };
}

describe("renderNginxConfig", () => {
  it("renders a foreground nginx with its own paths, the HSM socket and the key by URI", () => {
    const text = renderNginxConfig(spec());
    const lines = text.split("\n").map((l) => l.trim());
    for (const expected of [
      "daemon off;",
      "master_process on;",
      "pid /data/se/se-1/run/nginx.pid;",
      "error_log /data/se/se-1/logs/error.log notice;",
      "env P11_KIT_SERVER_ADDRESS=unix:path=/data/se/se-1/run/hsm.sock;",
      "env OPENSSL_CONF=/data/se/se-1/conf/openssl.cnf;",
      "access_log /data/se/se-1/logs/access.log;",
      "listen 127.0.0.150:8443 ssl reuseport;",
      "listen 127.0.0.150:8080 reuseport;",
      'ssl_certificate_key "engine:pkcs11:pkcs11:token=web;id=%01;type=private?pin-source=file:/data/se/se-1/secrets/pin";',
      "server 127.0.0.1:9000;",
      "proxy_pass http://vs_shop;",
    ]) {
      expect(lines).toContain(expected);
    }
    expect(text).toMatch(/ssl_certificate \/data\/se\/se-1\/certs\/shop-[0-9a-f]{16}\.pem;/);
    expect(text).not.toContain("1234"); // the PIN never appears in the config
    expect(text).not.toContain("ssl_engine"); // the engine is loaded by OPENSSL_CONF (init = 1)
  });

  it("uses the caller's socket for socket access", () => {
    const text = renderNginxConfig(
      spec({ hsm: { kind: "socket", socketPath: "/run/ntls/a.sock", pin: "x" } }),
    );
    expect(text).toContain("env P11_KIT_SERVER_ADDRESS=unix:path=/run/ntls/a.sock;");
  });

  it("loads the engine with p11-kit-client.so as its module", () => {
    const conf = renderOpensslConf();
    expect(conf).toContain(`MODULE_PATH = ${P11_KIT_CLIENT_MODULE}`);
    expect(conf).toContain("init = 1");
  });

  it.each([
    ["virtualServices.0.vip", { vip: "not-an-ip" }],
    ["virtualServices.0.keyUri", { keyUri: 'pkcs11:token=web";evil' }],
    ["virtualServices.0.keyUri", { keyUri: "pkcs11:token=web;id=%01?pin-value=1234" }],
    ["virtualServices.0.certificatePem", { certificatePem: `${CERT}-----BEGIN PRIVATE KEY-----` }],
    ["virtualServices.0.ports.0.port", { ports: [{ port: 70000, ssl: true }] }],
  ])("refuses a bad %s", (field, change) => {
    const base = spec();
    const vs = { ...base.virtualServices[0]!, ...change };
    try {
      renderNginxConfig({ ...base, virtualServices: [vs] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).field).toBe(field);
    }
  });

  it("refuses two virtual services on the same VIP and port", () => {
    const base = spec();
    const vs = base.virtualServices[0]!;
    expect(() => renderNginxConfig({ ...base, virtualServices: [vs, { ...vs, id: "other" }] })).toThrow(
      /already used/,
    );
  });
});
