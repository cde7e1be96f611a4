/** Test-only: builds tar archives byte by byte, including the malformed ones real tools refuse to make. */
export interface HandEntry {
  name: string;
  body?: Buffer | string;
  /** Typeflag character: "0" file, "1" hardlink, "2" symlink, "3" char device, "5" dir, "6" fifo, "x" pax, "L" GNU long name. */
  type?: string;
  linkname?: string;
  /** Declared size when it must differ from the body (giant sizes). Octal text or a raw 12-byte field. */
  size?: string | Buffer;
  /** Raw 100-byte name field, for NUL tricks. */
  rawName?: Buffer;
  corruptChecksum?: boolean;
}

export function header(entry: HandEntry): Buffer {
  const block = Buffer.alloc(512);
  (entry.rawName ?? Buffer.from(entry.name)).copy(block, 0, 0, 100);
  block.write("0000644\0", 100, "latin1");
  block.write("0000000\0", 108, "latin1");
  block.write("0000000\0", 116, "latin1");
  const bodyLength = entry.body === undefined ? 0 : Buffer.byteLength(entry.body);
  if (Buffer.isBuffer(entry.size)) entry.size.copy(block, 124);
  else block.write(`${(entry.size ?? bodyLength.toString(8)).padStart(11, "0")}\0`, 124, "latin1");
  block.write("00000000000\0", 136, "latin1");
  block.write(entry.type ?? "0", 156, "latin1");
  if (entry.linkname) block.write(entry.linkname, 157, "utf8");
  block.write("ustar\u000000", 257, "latin1");
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  if (entry.corruptChecksum) sum += 1;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
  return block;
}

export function entryBytes(entry: HandEntry): Buffer {
  const body = entry.body === undefined ? Buffer.alloc(0) : Buffer.from(entry.body);
  const pad = (512 - (body.length % 512)) % 512;
  return Buffer.concat([header(entry), body, Buffer.alloc(pad)]);
}

export function paxRecord(key: string, value: string): string {
  const text = ` ${key}=${value}\n`;
  let length = text.length + 1;
  while (`${length}${text}`.length !== length) length += 1;
  return `${length}${text}`;
}

export function tarOf(entries: HandEntry[], end = true): Buffer {
  return Buffer.concat([...entries.map(entryBytes), end ? Buffer.alloc(1024) : Buffer.alloc(0)]);
}

/** Feeds a buffer in small uneven chunks, the way a network upload arrives. */
export async function* chunked(buffer: Buffer, size = 700): AsyncGenerator<Buffer> {
  for (let at = 0; at < buffer.length; at += size) yield buffer.subarray(at, at + size);
}
