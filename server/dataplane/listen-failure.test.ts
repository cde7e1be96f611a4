import { describe, expect, it } from "vitest";
import { explainListenFailure } from "./listen-failure";
import type { RunAs } from "./process";

const nobody: RunAs = { user: "nobody", group: "nogroup", uid: 65534, gid: 65534 };
const line = (errno: string) =>
  `2026/11/28 19:20:00 [emerg] 4242#4242: bind() to 127.0.0.9:443 failed (${errno})`;

describe("explainListenFailure", () => {
  it("names the address and the fix for a port in use", () => {
    expect(explainListenFailure(line("98: Address already in use"), nobody)).toBe(
      "Another program already listens on 127.0.0.9:443: stop it or choose another VIP or port.",
    );
  });

  it("tells a console that is not root how to get ports below 1024", () => {
    const hint = explainListenFailure(line("13: Permission denied"), null);
    expect(hint).toContain("Ports below 1024 (127.0.0.9:443) need the console to run as root");
    expect(hint).toContain("choose a port of 1024 or more");
  });

  it("names a VIP that is not an address of this host", () => {
    expect(explainListenFailure(line("99: Cannot assign requested address"), nobody)).toContain(
      "The VIP of 127.0.0.9:443 is not an address of this host",
    );
  });

  it("adds nothing for other failures", () => {
    expect(
      explainListenFailure('[emerg] cannot load certificate key "engine:pkcs11:…"', nobody),
    ).toBeUndefined();
  });
});
