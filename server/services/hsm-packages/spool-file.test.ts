import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useTempDataDir } from "@/server/testing/test-env";
import { removeStaleSpools, SpoolFile } from "./spool-file";

describe("upload spool files", () => {
  it("are private, read back in chunks, removed after use, and stale ones cleared at start", async () => {
    const data = useTempDataDir();
    const spool = await SpoolFile.create();
    expect((fs.statSync(spool.file).mode & 0o777).toString(8)).toBe("600");
    await spool.append(Buffer.from("abcdefghij"));
    await spool.append(Buffer.from("klm"));
    const pieces: string[] = [];
    for await (const chunk of spool.chunks(5)) pieces.push(chunk.toString());
    expect(pieces).toEqual(["abcde", "fghij", "klm"]);
    await spool.remove();
    expect(fs.existsSync(spool.file)).toBe(false);

    const left = await SpoolFile.create(); // as if the process stopped mid-upload
    fs.writeFileSync(path.join(data, "uploads", "keep.txt"), "not a spool");
    expect(await removeStaleSpools()).toBe(1);
    expect(fs.existsSync(left.file)).toBe(false);
    expect(fs.existsSync(path.join(data, "uploads", "keep.txt"))).toBe(true);
    await left.remove();
  });
});
