import { execFileSync } from "node:child_process";
import {
  createReadStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import { type ReadTarOptions, readTar, type TarMember } from "./tar-reader";
import { chunked, type HandEntry, paxRecord, tarOf } from "./testing/tar";

const dir = mkdtempSync(path.join(tmpdir(), "tar-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs GNU tar in a fresh folder holding `files`; returns the archive bytes. */
function gnuTar(
  name: string,
  files: Record<string, string>,
  format = "gnu",
  setup?: (root: string) => void,
): Buffer {
  const root = path.join(dir, name);
  mkdirSync(root, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  setup?.(root);
  const out = path.join(dir, `${name}.tar`);
  execFileSync("tar", [`--format=${format}`, "-cf", out, "-C", root, "."]);
  return readFileSync(out);
}

async function list(source: Buffer | AsyncIterable<Buffer>, options: ReadTarOptions = {}) {
  const members: Array<TarMember & { content?: string }> = [];
  await readTar(Buffer.isBuffer(source) ? chunked(source) : source, {
    ...options,
    onMember(member) {
      const parts: Buffer[] = [];
      const entry: TarMember & { content?: string } = { ...member };
      members.push(entry);
      return {
        write: (c) => parts.push(Buffer.from(c)),
        end: () => {
          entry.content = Buffer.concat(parts).toString();
        },
      };
    },
  });
  return members;
}

async function refusal(
  source: Buffer | AsyncIterable<Buffer>,
  options: ReadTarOptions = {},
): Promise<AppError> {
  try {
    await list(source, options);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected the archive to be refused");
}

const longName = `${"deep/".repeat(3)}${"x".repeat(120)}.rpm`;

describe("readTar: archives made by GNU tar", () => {
  it("reads a GNU tar with a long name, folders and content", async () => {
    const tar = gnuTar("gnu", { "a.rpm": "alpha", [longName]: "long" });
    const members = await list(tar);
    const files = members.filter((m) => m.kind === "file");
    expect(files.map((m) => [m.name, m.size, m.content]).sort()).toEqual([
      ["a.rpm", 5, "alpha"],
      [longName, 4, "long"],
    ]);
    expect(members.find((m) => m.name === "deep")?.kind).toBe("directory");
  });

  it("reads pax and ustar (prefix) formats", async () => {
    const pax = await list(gnuTar("pax", { [longName]: "p", "é-ü.rpm": "u" }, "posix"));
    expect(
      pax
        .filter((m) => m.kind === "file")
        .map((m) => m.name)
        .sort(),
    ).toEqual([longName, "é-ü.rpm"].sort());
    const ustarName = `${"p".repeat(90)}/${"q".repeat(40)}.rpm`;
    const ustar = await list(gnuTar("ustar", { [ustarName]: "q" }, "ustar"));
    expect(ustar.find((m) => m.kind === "file")).toMatchObject({ name: ustarName, content: "q" });
  });

  it("reads a Node Readable stream", async () => {
    gnuTar("stream", { "s.rpm": "stream" });
    const members = await list(createReadStream(path.join(dir, "stream.tar")));
    expect(members.find((m) => m.name === "s.rpm")?.content).toBe("stream");
  });

  it("refuses a symlink and a FIFO made by tar", async () => {
    const link = gnuTar("link", { "real.rpm": "r" }, "gnu", (root) =>
      symlinkSync("/etc/passwd", path.join(root, "evil.rpm")),
    );
    expect((await refusal(link)).message).toMatch(/"\.\/evil\.rpm" is a link/);
    const fifo = gnuTar("fifo", {}, "gnu", (root) => execFileSync("mkfifo", [path.join(root, "pipe")]));
    expect(await refusal(fifo)).toMatchObject({
      code: "VALIDATION",
      field: "package",
      details: { entry: "./pipe" },
    });
  });
});

describe("readTar: hostile and broken archives", () => {
  const file = (name: string, body = "x"): HandEntry => ({ name, body });

  it("refuses what is not a tar", async () => {
    const error = await refusal(Buffer.from("PK\u0003\u0004 this is a zip file".padEnd(2048, "z")));
    expect(error.message).toMatch(/not a tar archive/);
    expect((await refusal(Buffer.alloc(0))).message).toMatch(/empty/);
    const gzip = execFileSync("gzip", ["-c"], { input: tarOf([file("a.rpm")]) });
    expect((await refusal(gzip)).message).toMatch(/gzip-compressed; upload the plain \.tar/);
  });

  it("refuses a bad checksum", async () => {
    const error = await refusal(tarOf([file("a.rpm"), { name: "b.rpm", body: "b", corruptChecksum: true }]));
    expect(error.message).toMatch(/header at byte 1024 is invalid \(bad checksum\)/);
  });

  it.each([
    ["../../etc/cron.d/evil", /contains "\.\."/],
    ["ok/../../evil.rpm", /contains "\.\."/],
    ["/etc/passwd", /absolute path/],
    ["C:\\Windows\\evil.rpm", /absolute path/],
  ])("refuses the path %s", async (name, message) => {
    const error = await refusal(tarOf([file("a.rpm"), file(name)]));
    expect(error).toMatchObject({ code: "VALIDATION", field: "package", details: { entry: name } });
    expect(error.message).toMatch(message);
  });

  it("refuses hard links and device files", async () => {
    const hard = await refusal(tarOf([file("a.rpm"), { name: "b.rpm", type: "1", linkname: "a.rpm" }]));
    expect(hard.message).toMatch(/"b\.rpm" is a link/);
    const device = await refusal(tarOf([{ name: "sda", type: "3" }]));
    expect(device.message).toMatch(/device file or FIFO/);
  });

  it("refuses a NUL in a name, from pax or hidden in the name field", async () => {
    const pax = { name: "PaxHeader", type: "x", body: paxRecord("path", "a.rpm\u0000.sh") };
    expect((await refusal(tarOf([pax, file("x")]))).message).toMatch(/NUL or control character/);
    const rawName = Buffer.concat([Buffer.from("a.rpm\u0000evil.sh")]);
    expect((await refusal(tarOf([{ name: "", rawName, body: "x" }]))).message).toMatch(/NUL character/);
  });

  it("refuses a giant declared size before reading the data, octal and base-256", async () => {
    const octal = await refusal(tarOf([{ name: "big.rpm", size: "77777777777" }], false));
    expect(octal).toMatchObject({ code: "PAYLOAD_TOO_LARGE", details: { entry: "big.rpm" } });
    const base256 = Buffer.alloc(12);
    base256[0] = 0x80;
    base256[4] = 0x10; // 2^64 bytes
    expect((await refusal(tarOf([{ name: "huge.rpm", size: base256 }], false))).code).toBe(
      "PAYLOAD_TOO_LARGE",
    );
    const pax = { name: "PaxHeader", type: "x", body: paxRecord("size", "9".repeat(400)) };
    expect((await refusal(tarOf([pax, file("p.rpm")], false))).code).toBe("PAYLOAD_TOO_LARGE");
    const small = await refusal(tarOf([file("a.rpm", "x".repeat(2000))]), {
      limits: { maxEntryBytes: 1000 },
    });
    expect(small.message).toMatch(/"a\.rpm" declares 2000 bytes/);
  });

  it("refuses more entries than allowed, and too deep a path", async () => {
    const many = Array.from({ length: 6 }, (_, i) => file(`f${i}.rpm`));
    const error = await refusal(tarOf(many), { limits: { maxEntries: 5 } });
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(error.message).toMatch(/more than 5 entries/);
    expect((await refusal(tarOf([file("a/b/c/d/e.rpm")]), { limits: { maxDepth: 4 } })).message).toMatch(
      /deeper than 4/,
    );
  });

  it("refuses duplicate names, also when spelled differently", async () => {
    const error = await refusal(tarOf([file("a.rpm"), file("./a.rpm")]));
    expect(error.message).toMatch(/"a\.rpm" appears twice/);
  });

  it("refuses a truncated upload and one without an end marker", async () => {
    const tar = tarOf([file("a.rpm", "y".repeat(3000))]);
    expect((await refusal(tar.subarray(0, 1500))).message).toMatch(/incomplete/);
    expect((await refusal(tar.subarray(0, 512 * 7))).message).toMatch(/incomplete/);
    expect((await list(tar.subarray(0, tar.length - 512))).length).toBe(1); // one zero block is tolerated
  });

  it("refuses data hidden after the end-of-archive marker", async () => {
    const tar = Buffer.concat([tarOf([file("a.rpm")]), Buffer.from("hidden".padEnd(512, "!"))]);
    expect((await refusal(tar)).message).toMatch(/data after its end-of-archive marker/);
  });

  it("stops reading an endless upload at the size cap", async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      // A valid archive followed by endless zero padding: no rule but the byte count can stop it.
      yield tarOf([file("a.rpm")]);
      for (;;) {
        pulled += 1;
        yield Buffer.alloc(64 * 1024);
      }
    }
    const error = await refusal(endless(), { limits: { maxArchiveBytes: 1024 * 1024 } });
    expect(error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(pulled).toBeLessThanOrEqual(17);
  });
});
