import { describe, expect, it } from "vitest";
import { peerAddress } from "./peer-address";

describe("peer address", () => {
  it("ignores client-supplied forwarding headers unless a proxy is trusted", () => {
    const headers = { "x-forwarded-for": "203.0.113.9, 198.51.100.7" };
    expect(peerAddress(headers, "::ffff:10.1.2.3", false)).toBe("10.1.2.3");
    expect(peerAddress(headers, "10.1.2.3", true)).toBe("198.51.100.7");
    expect(peerAddress({}, "10.1.2.3", true)).toBe("10.1.2.3");
  });
});
