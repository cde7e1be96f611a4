import { describe, expect, it } from "vitest";
import { children, readInteger, readOid, readTlv } from "./der";

describe("der reader", () => {
  it("reads definite and BER indefinite lengths, OIDs and integers", () => {
    // SEQUENCE { OID 1.2.840.113549.1.12.1.3, INTEGER 2048 }, then the same with an indefinite length.
    const body = Buffer.from("060a2a864886f70d010c0103020208 00".replace(/ /g, ""), "hex");
    const definite = Buffer.concat([Buffer.from([0x30, body.length]), body]);
    const indefinite = Buffer.concat([
      Buffer.from([0x30, 0x80]),
      body,
      Buffer.from([0, 0]),
      Buffer.from([0x05, 0x00]),
    ]);
    for (const der of [definite, indefinite]) {
      const [oid, count] = children(readTlv(der).value);
      expect(readOid(oid!)).toBe("1.2.840.113549.1.12.1.3");
      expect(readInteger(count!)).toBe(2048);
    }
    expect(readTlv(indefinite).raw.length).toBe(indefinite.length - 2);
  });

  it("refuses truncated input", () => {
    expect(() => readTlv(Buffer.from([0x30, 0x05, 0x02]))).toThrow(/truncated/);
    expect(() => readTlv(Buffer.from([0x30, 0x80, 0x02, 0x01, 0x01]))).toThrow(/truncated/);
  });
});
