import { describe, expect, it } from "vitest";
import { AppError } from "../../lib/errors";
import { CKR_TABLE, ckrOf, toAppError } from "./errors";

class FakePkcs11Error extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

describe("CKR → AppError table", () => {
  it("reads both pkcs11js error shapes", () => {
    expect(ckrOf(new FakePkcs11Error("CKR_PIN_INCORRECT", 0xa0))).toEqual({
      name: "CKR_PIN_INCORRECT",
      value: 0xa0,
    });
    expect(ckrOf(new Error("CKR_TEMPLATE_INCONSISTENT:209"))).toEqual({
      name: "CKR_TEMPLATE_INCONSISTENT",
      value: 209,
    });
    // pkcs11js names CKR_ACTION_PROHIBITED (0x1b) "CKR_VENDOR_DEFINED": the number wins.
    expect(ckrOf(new Error("CKR_VENDOR_DEFINED:27"))?.name).toBe("CKR_ACTION_PROHIBITED");
    expect(ckrOf(new Error("something else"))).toBeUndefined();
  });

  it.each([
    ["CKR_PIN_INCORRECT", 0xa0, "HSM_PIN_INCORRECT"],
    ["CKR_PIN_LOCKED", 0xa4, "HSM_PIN_LOCKED"],
    ["CKR_TOKEN_NOT_PRESENT", 0xe0, "HSM_TOKEN_NOT_PRESENT"],
    ["CKR_DEVICE_ERROR", 0x30, "HSM_DEVICE_ERROR"],
    ["CKR_MECHANISM_INVALID", 0x70, "HSM_MECHANISM_UNSUPPORTED"],
    ["CKR_KEY_SIZE_RANGE", 0x62, "HSM_KEY_SIZE_UNSUPPORTED"],
    ["CKR_DEVICE_MEMORY", 0x31, "HSM_MEMORY_FULL"],
    ["CKR_ATTRIBUTE_SENSITIVE", 0x11, "HSM_KEY_POLICY"],
    ["CKR_OBJECT_HANDLE_INVALID", 0x82, "HSM_OBJECT_NOT_FOUND"],
  ])("%s → %s", (name, value, code) => {
    for (const error of [new FakePkcs11Error(name, value), new Error(`${name}:${value}`)]) {
      const app = toAppError(error);
      expect(app).toBeInstanceOf(AppError);
      expect(app.code).toBe(code);
      expect(app.message).not.toMatch(/^CKR_/);
      expect(app.details).toEqual({ ckr: name });
    }
  });

  it("every entry has an admin sentence", () => {
    for (const entry of Object.values(CKR_TABLE)) expect(entry.message).toMatch(/^[A-Z].+\.$/);
  });

  it("unknown codes keep their name with advice", () => {
    expect(toAppError(new Error("CKR_RANDOM_NO_RNG:289"))).toMatchObject({
      code: "HSM_ERROR",
      details: { ckr: "CKR_RANDOM_NO_RNG" },
    });
  });
});
