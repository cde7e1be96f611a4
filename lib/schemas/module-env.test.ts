import { describe, expect, it } from "vitest";
import { formatModuleEnv, parseModuleEnv, ZModuleEnvText } from "./module-env";

describe("module environment lines", () => {
  it("reads NAME=value lines, skipping blanks and comments, values may hold '='", () => {
    const text = "# Luna client\r\nChrystokiConfigurationPath=/etc\n\nVENDOR_OPTS=a=b \n";
    expect(ZModuleEnvText.safeParse(text).success).toBe(true);
    expect(parseModuleEnv(text)).toEqual({ ChrystokiConfigurationPath: "/etc", VENDOR_OPTS: "a=b" });
    expect(formatModuleEnv(parseModuleEnv(text))).toBe("ChrystokiConfigurationPath=/etc\nVENDOR_OPTS=a=b");
    expect(formatModuleEnv(null)).toBe("");
  });

  it("refuses what would change how processes run, each with its line", () => {
    const messages = (text: string) =>
      ZModuleEnvText.safeParse(text).error?.issues.map((i) => i.message) ?? [];
    expect(messages("LD_LIBRARY_PATH=/tmp")).toEqual([
      expect.stringMatching(/^Line 1: LD_LIBRARY_PATH changes how/),
    ]);
    expect(messages("A=1\nNODE_OPTIONS=--require x")).toEqual([
      expect.stringMatching(/^Line 2: NODE_OPTIONS/),
    ]);
    expect(messages("OPENSSL_CONF=/tmp/x.cnf")).toHaveLength(1);
    expect(messages("1BAD=x")).toEqual(["Line 1: write NAME=value, e.g. ChrystokiConfigurationPath=/etc."]);
  });
});
