import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeClient, openNtlsLink, rest, uploadCert } from "../testing/clients";
import { visibleTokens } from "../testing/pkcs11";
import { useTestLab } from "../testing/test-lab";

/** The Luna 7-shaped REST API and the shell change one registration state. */
describe("admin REST API", () => {
  const t = useTestLab("lab-rest", {
    appliances: [
      {
        name: "hsm1",
        host: "127.0.82.11",
        ntlsPort: 11792,
        adminPort: 18443,
        partitions: ["par43", "par44"],
      },
    ],
  });
  const connectors = t.connectors;

  const hsm = () => t.lab().appliances[0]!;
  const clientsJson = () => fs.readFileSync(path.join(hsm().dir, "clients.json"), "utf8");

  it("requires the admin credentials", async () => {
    const anonymous = { ...hsm(), admin: { username: "admin", password: "wrong" } };
    const r = await rest(anonymous, "GET", "/api/lunasa/ntls/clients");
    expect(r.status).toBe(401);
  });

  it("REST registers and links; the shell and NTLS see it; the shell assigns; REST sees it; REST deletes", async () => {
    const client = await makeClient("se-1");
    const created = await rest(hsm(), "POST", "/api/lunasa/ntls/clients", {
      clientID: "se-1",
      ip: "10.10.56.34",
      certificate: client.certPem,
    });
    expect(created.status).toBe(201);
    expect((await t.lab().lunash("hsm1", "client list")).output).toContain("registered client 1: se-1");

    const par43 = hsm().partitions.find((p) => p.label === "par43")!;
    const link = await rest(hsm(), "POST", "/api/lunasa/ntls/clients/se-1/links", {
      url: `/api/lunasa/hsms/${hsm().hsmSerial}/partitions/${par43.serial}`,
    });
    expect(link.status).toBe(201);
    expect((await t.lab().lunash("hsm1", "client show -c se-1")).output).toMatch(/Partitions:\s+"par43"/);

    const conn = await openNtlsLink(hsm(), client, t.dir());
    connectors.push(conn);
    expect((await visibleTokens(conn.socketPath)).labels).toEqual(["par43"]);

    expect((await t.lab().lunash("hsm1", "client assignPartition -c se-1 -p par44")).result).toBe(0);
    const links = await rest(hsm(), "GET", "/api/lunasa/ntls/clients/se-1/links");
    expect((links.json as { links: Array<{ id: string }> }).links.map((l) => l.id)).toEqual([
      "par43",
      "par44",
    ]);

    expect((await rest(hsm(), "DELETE", "/api/lunasa/ntls/clients/se-1/links/par43")).status).toBe(204);
    expect((await visibleTokens(conn.socketPath)).labels).toEqual(["par44"]);

    expect((await rest(hsm(), "DELETE", "/api/lunasa/ntls/clients/se-1")).status).toBe(204);
    expect((await t.lab().lunash("hsm1", "client list")).output).toContain("No clients are registered.");
    expect((await visibleTokens(conn.socketPath)).ok).toBe(false);
  });

  it("the shell registers; REST lists and shows it", async () => {
    const client = await makeClient("se-2");
    uploadCert(hsm(), client);
    expect((await t.lab().lunash("hsm1", "client register -c se-2 -h se2.example.com")).result).toBe(0);
    const list = await rest(hsm(), "GET", "/api/lunasa/ntls/clients");
    expect(list.json).toEqual({ clients: [{ clientID: "se-2", href: "/api/lunasa/ntls/clients/se-2" }] });
    const shown = (await rest(hsm(), "GET", "/api/lunasa/ntls/clients/se-2")).json as Record<string, unknown>;
    expect(shown.hostname).toBe("se2.example.com");
    expect(shown.links).toEqual([]);
  });

  it("bad input: clear error, nothing changed", async () => {
    const before = clientsJson();
    const good = (await makeClient("se-3")).certPem;
    const cases: Array<[string, string, unknown, number, RegExp]> = [
      [
        "POST",
        "/api/lunasa/ntls/clients",
        { clientID: "se-3", ip: "10.0.0.1", certificate: "junk" },
        400,
        /not a PEM X.509/,
      ],
      [
        "POST",
        "/api/lunasa/ntls/clients",
        { clientID: "se-3", ip: "1.2.3", certificate: good },
        400,
        /Invalid IP address/,
      ],
      [
        "POST",
        "/api/lunasa/ntls/clients",
        { clientID: "se-2", ip: "10.0.0.2", certificate: good },
        409,
        /already registered/,
      ],
      [
        "POST",
        "/api/lunasa/ntls/clients",
        { clientID: "se-3", certificate: good },
        400,
        /exactly one of -ip or -hostname/,
      ],
      [
        "POST",
        "/api/lunasa/ntls/clients/se-2/links",
        { url: `/api/lunasa/hsms/${hsm().hsmSerial}/partitions/nosuch` },
        404,
        /Partition nosuch does not exist/,
      ],
      [
        "POST",
        "/api/lunasa/ntls/clients/se-2/links",
        { url: "/api/lunasa/hsms/999/partitions/par43" },
        404,
        /not this appliance/,
      ],
      ["DELETE", "/api/lunasa/ntls/clients/nobody", undefined, 404, /not registered/],
    ];
    for (const [method, url, body, status, message] of cases) {
      const r = await rest(hsm(), method, url, body);
      expect(r.status, `${method} ${url}`).toBe(status);
      expect((r.json as { message: string }).message).toMatch(message);
    }
    expect(clientsJson()).toBe(before);
  });

  it("lists the HSM and its partitions", async () => {
    const hsms = (await rest(hsm(), "GET", "/api/lunasa/hsms")).json as { hsms: Array<{ id: string }> };
    expect(hsms.hsms[0]?.id).toBe(hsm().hsmSerial);
    const parts = (await rest(hsm(), "GET", `/api/lunasa/hsms/${hsm().hsmSerial}/partitions`)).json as {
      partitions: Array<{ name: string }>;
    };
    expect(parts.partitions.map((p) => p.name)).toEqual(["par43", "par44"]);
  });
});
