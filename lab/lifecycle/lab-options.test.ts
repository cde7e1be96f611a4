import { describe, expect, it } from "vitest";
import type { ApplianceInfo } from "./appliance-info";
import { defaultAppliances, labCountFromEnv } from "./lab-options";
import { formatLabSummary } from "./summary";

describe("lab options", () => {
  it("LAB_APPLIANCES: unset means 2, 0 turns the lab off, junk is refused", () => {
    expect(labCountFromEnv({})).toBe(2);
    expect(labCountFromEnv({ LAB_APPLIANCES: "0" })).toBe(0);
    expect(labCountFromEnv({ LAB_APPLIANCES: "3" })).toBe(3);
    expect(() => labCountFromEnv({ LAB_APPLIANCES: "two" })).toThrow(/LAB_APPLIANCES must be/);
    expect(() => labCountFromEnv({ LAB_APPLIANCES: "-1" })).toThrow();
  });

  it("defaults mirror the document: hsm1 .11 par43, hsm2 .13 par40", () => {
    expect(defaultAppliances(2)).toEqual([
      { name: "hsm1", host: "127.0.0.11", partitions: ["par43"] },
      { name: "hsm2", host: "127.0.0.13", partitions: ["par40"] },
    ]);
    expect(defaultAppliances(3)[2]).toMatchObject({ name: "hsm3", host: "127.0.0.15" });
  });

  it("the summary says where server.pem is, as scp would fetch it, and the partition passwords", () => {
    const info: ApplianceInfo = {
      name: "hsm1",
      dir: "/d/lab/hsm1",
      hsmSerial: "156908040",
      ntls: { host: "127.0.0.11", port: 1792 },
      adminUrl: "https://127.0.0.11:8443",
      admin: { username: "admin", password: "pw" },
      serverPemPath: "/d/lab/hsm1/home/server.pem",
      serverCertFingerprint: "AA:BB",
      controlSocket: "/d/lab/hsm1/lunash.sock",
      partitions: [{ label: "par43", serial: "abc", password: "ppp", cloningDomain: "lab-domain" }],
      cloningDomain: "lab-domain",
    };
    const text = formatLabSummary([info]);
    expect(text).toContain("scp admin@127.0.0.11:server.pem hsm1.pem");
    expect(text).toContain("/d/lab/hsm1/home/server.pem");
    expect(text).toContain("partition:       par43  serial abc  password ppp  domain lab-domain");
    expect(formatLabSummary([])).toContain("LAB_APPLIANCES=0");
  });
});
