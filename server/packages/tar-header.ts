/**
 * Decoding of one 512-byte tar header block (POSIX ustar and GNU variants). Pure: no I/O.
 * Layout: name 0..100, mode 100, uid 108, gid 116, size 124..136, mtime 136, chksum 148..156,
 * typeflag 156, linkname 157..257, magic 257..263, version 263..265, ..., prefix 345..500.
 */
export const BLOCK = 512;

export type HeaderKind =
  | "file"
  | "directory"
  | "hardlink"
  | "symlink"
  | "char-device"
  | "block-device"
  | "fifo"
  | "gnu-long-name"
  | "gnu-long-link"
  | "pax"
  | "pax-global"
  | "unsupported";

export interface RawHeader {
  /** name, joined with the ustar prefix when present; NUL-terminated fields are cut at the NUL. */
  name: string;
  /** True when a name field holds bytes after its terminating NUL (a way to hide a second name). */
  nameHasHiddenBytes: boolean;
  size: bigint;
  kind: HeaderKind;
  typeflag: string;
}

const KINDS: Record<string, HeaderKind> = {
  "0": "file",
  "\0": "file",
  "7": "file", // contiguous file: a regular file for every reader that matters
  "5": "directory",
  "1": "hardlink",
  "2": "symlink",
  "3": "char-device",
  "4": "block-device",
  "6": "fifo",
  L: "gnu-long-name",
  K: "gnu-long-link",
  x: "pax",
  g: "pax-global",
};

export function isZeroBlock(block: Buffer): boolean {
  for (const byte of block) if (byte !== 0) return false;
  return true;
}

/** Magic check first, then the checksum: both must hold for the block to be a header at all. */
export function headerProblem(block: Buffer): string | undefined {
  const magic = block.subarray(257, 265).toString("latin1");
  if (magic !== "ustar\u000000" && magic !== "ustar  \u0000") return "missing ustar magic";
  const stored = parseOctal(block.subarray(148, 156));
  if (stored === undefined) return "unreadable checksum";
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i += 1) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  // Some old tars summed signed bytes; accepting both costs nothing.
  if (BigInt(unsigned) !== stored && BigInt(signed) !== stored) return "bad checksum";
  return undefined;
}

export function decodeHeader(block: Buffer): RawHeader {
  const gnu = block.subarray(257, 263).toString("latin1") === "ustar ";
  const name = cString(block.subarray(0, 100));
  // GNU tar uses the prefix area for other data, so only POSIX ustar has a prefix.
  const prefix = gnu ? { text: "", hidden: false } : cString(block.subarray(345, 500));
  const typeflag = String.fromCharCode(block[156] ?? 0);
  const size = parseSize(block.subarray(124, 136));
  return {
    name: prefix.text ? `${prefix.text}/${name.text}` : name.text,
    nameHasHiddenBytes: name.hidden || prefix.hidden,
    size: size ?? -1n,
    kind: KINDS[typeflag] ?? "unsupported",
    typeflag,
  };
}

function cString(field: Buffer): { text: string; hidden: boolean } {
  const end = field.indexOf(0);
  if (end === -1) return { text: field.toString("utf8"), hidden: false };
  return { text: field.subarray(0, end).toString("utf8"), hidden: !isZeroBlock(field.subarray(end)) };
}

/** Octal digits, optionally space/NUL padded. Undefined when anything else is in the field. */
function parseOctal(field: Buffer): bigint | undefined {
  const text = field
    .toString("latin1")
    .replace(/[\0 ]+$/, "")
    .replace(/^ +/, "");
  if (!/^[0-7]*$/.test(text)) return undefined;
  return text === "" ? 0n : BigInt(`0o${text}`);
}

/** Size is octal, or GNU base-256 (high bit set) for files of 8 GiB and more. */
function parseSize(field: Buffer): bigint | undefined {
  const first = field[0] ?? 0;
  if (first & 0x80) {
    if (first & 0x40) return undefined; // negative
    let value = BigInt(first & 0x3f);
    for (const byte of field.subarray(1)) value = (value << 8n) | BigInt(byte);
    return value;
  }
  return parseOctal(field);
}

/** Pax extended header records: `<len> <key>=<value>\n`. Undefined when malformed. */
export function parsePax(body: Buffer): Map<string, string> | undefined {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < body.length) {
    if (body[offset] === 0) break; // NUL padding after the last record
    const space = body.indexOf(0x20, offset);
    if (space === -1) return undefined;
    const length = Number(body.subarray(offset, space).toString("latin1"));
    if (!Number.isInteger(length) || length <= space - offset || offset + length > body.length)
      return undefined;
    const record = body.subarray(space + 1, offset + length);
    if (record[record.length - 1] !== 0x0a) return undefined;
    const text = record.subarray(0, record.length - 1);
    const eq = text.indexOf(0x3d);
    if (eq === -1) return undefined;
    records.set(text.subarray(0, eq).toString("utf8"), text.subarray(eq + 1).toString("utf8"));
    offset += length;
  }
  return records;
}
