import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { type InspectHsmPackageInput, inspectHsmPackage } from "./inspect-package";
import { chunked } from "./testing/tar";

const dir = mkdtempSync(path.join(tmpdir(), "hsm-package-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const RPM_LEAD = Buffer.from([0xed, 0xab, 0xee, 0xdb, 3, 0]);
const SAFENET = ["configurator", "libcryptoki", "vtl", "lunacmu", "cklog", "multitoken", "ckdemo", "lunacm"];
const rpms = (version: string, names = SAFENET) =>
  Object.fromEntries(
    names.map((name) => [`${name}-${version}.x86_64.rpm`, Buffer.concat([RPM_LEAD, Buffer.from(name)])]),
  );

let counter = 0;
/** Builds `<name>.tar` with GNU tar, as the source document's `tar -cvf safenet.tar …` does. */
function makeTar(files: Record<string, Buffer | string>): string {
  const root = path.join(dir, `pkg${++counter}`);
  mkdirSync(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  const out = `${root}.tar`;
  execFileSync("tar", ["-cf", out, "-C", root, ...Object.keys(files)]);
  return out;
}

const inspect = (file: string, rest: Partial<InspectHsmPackageInput> = {}) =>
  inspectHsmPackage({ type: "safenet", stream: createReadStream(file), ...rest });

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("inspectHsmPackage: SafeNet", () => {
  it("accepts the 8 RPMs of one version and reports members, hashes and the version", async () => {
    const file = makeTar(rpms("5.4.1-2"));
    const report = await inspect(file);
    const bytes = readFileSync(file);
    expect(report.version).toBe("5.4.1-2");
    expect(report.size).toBe(bytes.length);
    expect(report.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(report.members).toHaveLength(8);
    const vtl = report.members.find((m) => m.component === "vtl")!;
    expect(vtl).toMatchObject({ name: "vtl-5.4.1-2.x86_64.rpm", rpmLead: true, version: "5.4.1-2" });
    expect(vtl.sha256).toBe(
      createHash("sha256")
        .update(Buffer.concat([RPM_LEAD, Buffer.from("vtl")]))
        .digest("hex"),
    );
    expect(report).toMatchObject({ missing: [], extra: [], notes: [] });
  });

  it("refuses a missing member and says which (lunacm is not lunacmu)", async () => {
    const file = makeTar(
      rpms(
        "5.4.1-2",
        SAFENET.filter((n) => n !== "lunacm" && n !== "cklog"),
      ),
    );
    const error = await refusal(inspect(file));
    expect(error).toMatchObject({ code: "VALIDATION", field: "package" });
    expect(error.message).toMatch(/missing cklog, lunacm for safenet.tar/);
    expect(error.details?.missing).toEqual(["cklog", "lunacm"]);
  });

  it("refuses mixed versions, naming them", async () => {
    const files = { ...rpms("5.4.1-2", SAFENET.slice(1)), ...rpms("6.2.0-16", SAFENET.slice(0, 1)) };
    const error = await refusal(inspect(makeTar(files)));
    expect(error.message).toMatch(/mixes client versions: .*6\.2\.0-16 \(configurator\)/);
  });

  it("reports extra members, and refuses them when strict", async () => {
    const file = makeTar({ ...rpms("5.4.1-2"), "README.txt": "hello" });
    expect((await inspect(file)).extra).toEqual(["README.txt"]);
    expect((await refusal(inspect(file, { strict: true }))).message).toMatch(
      /not part of the safenet client: README\.txt/,
    );
  });

  it("notes an .rpm member without the RPM lead and refuses two copies of one component", async () => {
    const files = rpms("5.4.1-2");
    files["vtl-5.4.1-2.x86_64.rpm"] = Buffer.from("not an rpm");
    expect((await inspect(makeTar(files))).notes).toEqual([
      "vtl-5.4.1-2.x86_64.rpm does not start like an RPM file (no RPM lead); check the download.",
    ]);
    const twice = makeTar({ ...rpms("5.4.1-2"), "old/vtl-5.4.1-2.x86_64.rpm": RPM_LEAD });
    expect((await refusal(inspect(twice))).message).toMatch(/two vtl packages/);
  });

  it("refuses an unsafe archive through the tar rules, before member rules", async () => {
    const file = makeTar(rpms("5.4.1-2"));
    const error = await refusal(inspect(file, { limits: { maxEntries: 3 } }));
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("inspectHsmPackage: Thales nShield and CloudHSM", () => {
  it("accepts nShield component tarballs and refuses a bundle without ctls", async () => {
    const report = await inspectHsmPackage({
      type: "thales",
      stream: chunked(
        readFileSync(makeTar({ "hwsp/agg.tar": "h", "ctls/agg.tar": "c", "ncsnmp/agg.tar": "n" })),
      ),
    });
    expect(report.version).toBeNull();
    expect(report.members.map((m) => m.component).sort()).toEqual(["ctls", "hwsp", "ncsnmp"]);
    const missing = makeTar({ "hwsp/agg.tar": "h" });
    expect(
      (await refusal(inspectHsmPackage({ type: "thales", stream: createReadStream(missing) }))).details
        ?.missing,
    ).toEqual(["ctls"]);
  });

  it("reads the CloudHSM PKCS#11 and CLI package versions", async () => {
    const file = makeTar({
      "cloudhsm-pkcs11-5.12.0-1.el9.x86_64.rpm": RPM_LEAD,
      "cloudhsm-cli-5.12.0-1.el9.x86_64.rpm": RPM_LEAD,
    });
    const report = await inspectHsmPackage({ type: "cloudhsm", stream: createReadStream(file) });
    expect(report.version).toBe("5.12.0-1");
    const deb = makeTar({ "cloudhsm-cli_5.12.0-1_u22.04_amd64.deb": "x" });
    expect(
      (await refusal(inspectHsmPackage({ type: "cloudhsm", stream: createReadStream(deb) }))).message,
    ).toMatch(/missing pkcs11/);
  });
});
