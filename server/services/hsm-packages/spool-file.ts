import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { dataDir } from "@/server/config/env";

/**
 * A private temporary file under <data>/uploads for a body that is being validated: written as
 * it streams, read back in chunks, removed afterwards. Keeps large uploads out of memory.
 */
function spoolDir(): string {
  return path.join(dataDir(), "uploads");
}

/**
 * At start: spool files left by a process that stopped mid-upload belong to no one (every node
 * has its own data folder), so they are removed.
 */
export async function removeStaleSpools(): Promise<number> {
  const names = await fs.readdir(spoolDir()).catch(() => [] as string[]);
  const stale = names.filter((n) => n.endsWith(".part"));
  await Promise.all(stale.map((n) => fs.rm(path.join(spoolDir(), n), { force: true })));
  return stale.length;
}

export class SpoolFile {
  private constructor(
    readonly file: string,
    private readonly handle: fs.FileHandle,
  ) {}

  static async create(): Promise<SpoolFile> {
    const dir = spoolDir();
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `${randomBytes(12).toString("hex")}.part`);
    return new SpoolFile(file, await fs.open(file, "wx+", 0o600));
  }

  size = 0;

  async append(bytes: Uint8Array): Promise<void> {
    await this.handle.write(bytes, 0, bytes.byteLength, this.size);
    this.size += bytes.byteLength;
  }

  /** The content in pieces of `chunkBytes` (the last may be shorter), each a fresh buffer. */
  async *chunks(chunkBytes: number): AsyncGenerator<Buffer> {
    for (let offset = 0; offset < this.size; offset += chunkBytes) {
      const buffer = Buffer.alloc(Math.min(chunkBytes, this.size - offset));
      await this.handle.read(buffer, 0, buffer.length, offset);
      yield buffer;
    }
  }

  async remove(): Promise<void> {
    await this.handle.close().catch(() => {});
    await fs.rm(this.file, { force: true });
  }
}
