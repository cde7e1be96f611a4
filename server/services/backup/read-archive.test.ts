import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BACKUP_FORMAT } from "./manifest";
import { BACKUP_LIMITS, unpackArchive } from "./read-archive";

/** Archives made member by member with Python's tarfile (links, `..` and lies GNU tar would not write). */
interface Member {
  name: string;
  data?: string;
  symlinkTo?: string;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-archive-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function sha(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

function manifest(files: { path: string; data: string }[]): string {
  return JSON.stringify({
    format: BACKUP_FORMAT,
    consoleVersion: "test",
    createdAt: new Date().toISOString(),
    createdBy: "test",
    node: "test",
    database: {
      kind: "pglite",
      file: "database/pglite.tar.gz",
      migrations: { applied: 1, lastTag: "0000_x", known: 1 },
    },
    masterKey: { fingerprint: "SHA256:00", inArchive: false },
    packages: [],
    localTokens: [],
    files: files.map((f) => ({ path: f.path, size: Buffer.byteLength(f.data), sha256: sha(f.data) })),
  });
}

const DB = { path: "database/pglite.tar.gz", data: "database bytes" };
const TOKEN = { path: "softhsm/tokens/abc/obj.object", data: "token object" };

let count = 0;
function archive(members: Member[], gzip = true): string {
  const file = path.join(root, `a${count++}.tar${gzip ? ".gz" : ""}`);
  const script = `
import io, json, sys, tarfile
members = json.loads(sys.argv[2])
with tarfile.open(sys.argv[1], "w:gz" if sys.argv[3] == "1" else "w") as tar:
    for m in members:
        info = tarfile.TarInfo(m["name"])
        if "symlinkTo" in m:
            info.type = tarfile.SYMTYPE
            info.linkname = m["symlinkTo"]
            tar.addfile(info)
        else:
            data = m.get("data", "").encode()
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
`;
  execFileSync("python3", ["-c", script, file, JSON.stringify(members), gzip ? "1" : "0"]);
  return file;
}

function valid(extra: Member[] = [], files = [DB, TOKEN]): Member[] {
  return [
    { name: "manifest.json", data: manifest(files) },
    ...files.map((f) => ({ name: f.path, data: f.data })),
    ...extra,
  ];
}

async function unpack(file: string, limits = BACKUP_LIMITS) {
  const into = fs.mkdtempSync(path.join(root, "into-"));
  return { into, result: unpackArchive(file, into, limits) };
}

describe("a backup archive is checked whole before anything is restored", () => {
  it("accepts an archive whose files match the manifest", async () => {
    const { into, result } = await unpack(archive(valid()));
    expect((await result).files).toHaveLength(2);
    expect(fs.readFileSync(path.join(into, TOKEN.path), "utf8")).toBe(TOKEN.data);
  });

  it("refuses a file whose bytes differ from its checksum", async () => {
    const members = valid();
    members[2] = { name: TOKEN.path, data: "token objecX" };
    const { result } = await unpack(archive(members));
    await expect(result).rejects.toThrow(/"softhsm\/tokens\/abc\/obj.object" does not match its checksum/);
  });

  it("refuses a file the manifest does not list, and a listed file that is missing", async () => {
    await expect(
      (await unpack(archive(valid([{ name: "softhsm/tokens/abc/x.object", data: "x" }])))).result,
    ).rejects.toThrow(/is not listed in the manifest/);
    const missing = valid().filter((m) => m.name !== TOKEN.path);
    await expect((await unpack(archive(missing))).result).rejects.toThrow(
      /listed in the manifest but missing/,
    );
  });

  it("refuses path traversal, absolute names, links and names outside the backup's parts, writing nothing outside", async () => {
    for (const [bad, why] of [
      [{ name: "softhsm/../../escaped", data: "x" }, /\.\./],
      [{ name: "/etc/escaped", data: "x" }, /absolute|refused/],
      [{ name: "softhsm/tokens/link", symlinkTo: "/etc/passwd" }, /is a link/],
      [{ name: "etc/cron.d/evil", data: "x" }, /not a part of a console backup/],
    ] as const) {
      const { result } = await unpack(archive(valid([bad])));
      await expect(result).rejects.toThrow(why);
    }
    expect(fs.existsSync(path.join(root, "escaped"))).toBe(false);
  });

  it("refuses members over the size cap, a plain tar, and a file that is not an archive", async () => {
    const { result } = await unpack(archive(valid()), { ...BACKUP_LIMITS, maxEntryBytes: 8 });
    await expect(result).rejects.toThrow(/over the limit/);
    await expect((await unpack(archive(valid(), false))).result).rejects.toThrow(/not a gzip-compressed tar/);
    const text = path.join(root, "notes.txt");
    fs.writeFileSync(text, "hello");
    await expect((await unpack(text)).result).rejects.toThrow(/not a gzip-compressed tar/);
  });

  it("refuses an archive without a manifest of this format", async () => {
    const members = valid();
    members[0] = { name: "manifest.json", data: JSON.stringify({ format: "other/9" }) };
    await expect((await unpack(archive(members))).result).rejects.toThrow(
      /manifest is not one this console reads/,
    );
  });
});
