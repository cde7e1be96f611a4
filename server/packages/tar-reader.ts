import { AppError } from "@/lib/errors";
import { BLOCK, decodeHeader, headerProblem, isZeroBlock, parsePax } from "./tar-header";
import { DEFAULT_TAR_LIMITS, type TarLimits } from "./tar-limits";
import { checkMemberName, printable } from "./tar-names";

export interface TarMember {
  /** Normalised: no leading `./`, no trailing `/`, `/` separators. */
  name: string;
  kind: "file" | "directory";
  size: number;
}

/** Receives a member's bytes as they stream by; nothing is kept unless the sink keeps it. */
export interface TarSink {
  write(chunk: Buffer): void;
  end(): void;
}

export interface ReadTarOptions {
  limits?: Partial<TarLimits>;
  /** Form field named in errors. */
  field?: string;
  /** Called for every member; return a sink to see a file's content. */
  onMember?: (member: TarMember) => TarSink | undefined;
}

export type ByteSource = AsyncIterable<Buffer | Uint8Array | string>;

/** Pax headers hold a path and a few numbers; anything bigger is not a real pax header. */
const MAX_PAX_BYTES = 64 * 1024;

/**
 * Stream-parses a tar upload without extracting or buffering it: only one 512-byte header
 * (and small pax/long-name bodies) is ever held. Bytes are counted as they arrive and the
 * source is abandoned (a Readable is destroyed) as soon as a cap or a rule is broken.
 */
export async function readTar(
  source: ByteSource,
  options: ReadTarOptions = {},
): Promise<{ bytes: number; members: number }> {
  const limits = { ...DEFAULT_TAR_LIMITS, ...options.limits };
  const field = options.field ?? "package";
  const parser = new TarParser(limits, field, options.onMember ?? (() => undefined));
  let bytes = 0;
  for await (const chunk of source) {
    const buffer =
      typeof chunk === "string"
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    bytes += buffer.length;
    if (bytes > limits.maxArchiveBytes) {
      throw new AppError(
        "PAYLOAD_TOO_LARGE",
        `The package is larger than the limit of ${mib(limits.maxArchiveBytes)}.`,
        {
          field,
          details: { limitBytes: limits.maxArchiveBytes },
        },
      );
    }
    parser.push(buffer);
  }
  parser.finish(bytes);
  return { bytes, members: parser.members };
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes} bytes`;
}

type State = "header" | "data" | "meta" | "padding" | "end";

class TarParser {
  members = 0;
  private state: State = "header";
  private offset = 0;
  private header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private remaining = 0;
  private padding = 0;
  private zeroBlocks = 0;
  private sink: TarSink | undefined;
  private meta: { kind: "long-name" | "long-link" | "pax" | "pax-global"; parts: Buffer[] } | undefined;
  private nextName: string | undefined;
  private nextSize: bigint | undefined;
  private declaredTotal = 0;
  private readonly names = new Set<string>();

  constructor(
    private readonly limits: TarLimits,
    private readonly field: string,
    private readonly onMember: (member: TarMember) => TarSink | undefined,
  ) {}

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      const rest = chunk.length - at;
      if (this.state === "header") {
        const take = Math.min(BLOCK - this.headerFill, rest);
        chunk.copy(this.header, this.headerFill, at, at + take);
        this.headerFill += take;
        at += take;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          this.onHeader(this.header);
          this.offset += BLOCK;
        }
      } else if (this.state === "data" || this.state === "meta") {
        const take = Math.min(this.remaining, rest);
        const part = chunk.subarray(at, at + take);
        if (this.state === "data") this.sink?.write(part);
        else this.meta?.parts.push(Buffer.from(part));
        this.remaining -= take;
        this.offset += take;
        at += take;
        if (this.remaining === 0) this.endBody();
      } else if (this.state === "padding") {
        const take = Math.min(this.padding, rest);
        this.padding -= take;
        this.offset += take;
        at += take;
        if (this.padding === 0) this.state = "header";
      } else {
        // After the end-of-archive marker only zero padding may follow (tar pads to its record size).
        if (!isZeroBlock(chunk.subarray(at))) throw this.refuse("has data after its end-of-archive marker");
        return;
      }
    }
  }

  finish(bytes: number): void {
    if (bytes === 0) throw this.refuse("is empty: expected a tar archive");
    if (this.offset === 0 && this.state === "header") {
      if (this.header[0] === 0x1f && this.header[1] === 0x8b) throw this.gzip();
      throw this.refuse("is not a tar archive (shorter than one tar header)");
    }
    const cleanEnd =
      this.state === "end" || (this.state === "header" && this.headerFill === 0 && this.zeroBlocks === 1);
    if (!cleanEnd) {
      throw this.refuse(
        "is incomplete: the upload ended in the middle of the archive. Upload the whole file again",
      );
    }
  }

  private onHeader(block: Buffer): void {
    if (isZeroBlock(block)) {
      this.zeroBlocks += 1;
      if (this.zeroBlocks === 2) this.state = "end";
      return;
    }
    if (this.zeroBlocks > 0)
      throw this.refuse(`is damaged: an empty block at byte ${this.offset - BLOCK} is followed by more data`);
    const problem = headerProblem(block);
    if (problem) {
      if (this.offset === 0 && block[0] === 0x1f && block[1] === 0x8b) throw this.gzip();
      if (this.offset === 0)
        throw this.refuse(`is not a tar archive (${problem}). Create it with \`tar -cvf\``);
      throw this.refuse(`is damaged: the header at byte ${this.offset} is invalid (${problem})`);
    }
    const raw = decodeHeader(block);
    if (raw.size < 0n)
      throw this.refuse(`is damaged: the header at byte ${this.offset} has an unreadable size`);
    const name = this.nextName ?? raw.name;
    const declared = this.nextSize ?? raw.size;

    switch (raw.kind) {
      case "gnu-long-name":
      case "gnu-long-link":
      case "pax":
      case "pax-global": {
        const cap = raw.kind.startsWith("pax") ? MAX_PAX_BYTES : this.limits.maxNameBytes + 1;
        if (raw.size > BigInt(cap))
          throw this.refuse(`has an extended header of ${raw.size} bytes (limit ${cap})`);
        const kind =
          raw.kind === "gnu-long-name" ? "long-name" : raw.kind === "gnu-long-link" ? "long-link" : raw.kind;
        this.meta = { kind, parts: [] };
        this.startBody(Number(raw.size), "meta");
        return;
      }
      case "hardlink":
      case "symlink":
        throw this.refuseMember(name, "is a link; a package may hold only plain files and folders");
      case "char-device":
      case "block-device":
      case "fifo":
        throw this.refuseMember(
          name,
          "is a device file or FIFO; a package may hold only plain files and folders",
        );
      case "unsupported":
        throw this.refuseMember(name, `has an unsupported tar entry type "${printable(raw.typeflag)}"`);
    }

    if (this.nextName === undefined && raw.nameHasHiddenBytes)
      throw this.refuseMember(name, "has a NUL character in its name");
    const member = checkMemberName(name, this.limits, this.field, raw.kind === "directory");
    if (member === "") {
      this.nextName = undefined;
      this.nextSize = undefined;
      this.startBody(Number(declared > 0n ? 0n : declared), "data");
      return;
    }
    this.members += 1;
    if (this.members > this.limits.maxEntries) {
      throw new AppError(
        "PAYLOAD_TOO_LARGE",
        `The package is refused: it has more than ${this.limits.maxEntries} entries.`,
        {
          field: this.field,
          details: { entry: member, limit: this.limits.maxEntries },
        },
      );
    }
    if (this.names.has(member)) throw this.refuseMember(member, "appears twice in the archive");
    this.names.add(member);
    if (declared > BigInt(this.limits.maxEntryBytes)) {
      throw new AppError(
        "PAYLOAD_TOO_LARGE",
        `The package is refused: member "${printable(member)}" declares ${declared} bytes, over the limit of ${mib(this.limits.maxEntryBytes)} per member.`,
        { field: this.field, details: { entry: member, limitBytes: this.limits.maxEntryBytes } },
      );
    }
    const size = Number(declared);
    this.declaredTotal += size;
    if (this.declaredTotal > this.limits.maxArchiveBytes) {
      throw new AppError(
        "PAYLOAD_TOO_LARGE",
        `The package is refused: its members add up to more than ${mib(this.limits.maxArchiveBytes)}.`,
        {
          field: this.field,
          details: { entry: member, limitBytes: this.limits.maxArchiveBytes },
        },
      );
    }
    this.nextName = undefined;
    this.nextSize = undefined;
    const kind = raw.kind === "directory" ? "directory" : "file";
    this.sink = this.onMember({ name: member, kind, size });
    this.startBody(size, "data");
  }

  private startBody(size: number, state: "data" | "meta"): void {
    this.remaining = size;
    this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    this.state = state;
    if (size === 0) this.endBody();
  }

  private endBody(): void {
    if (this.state === "data") {
      this.sink?.end();
      this.sink = undefined;
    } else if (this.meta) {
      this.applyMeta(this.meta.kind, Buffer.concat(this.meta.parts));
      this.meta = undefined;
    }
    this.state = this.padding > 0 ? "padding" : "header";
  }

  private applyMeta(kind: "long-name" | "long-link" | "pax" | "pax-global", body: Buffer): void {
    if (kind === "long-name") {
      this.nextName = body.toString("utf8").replace(/\0+$/, "");
      return;
    }
    if (kind === "long-link") return; // only meaningful for links, which are refused when they arrive
    const records = parsePax(body);
    if (!records)
      throw this.refuse(`is damaged: the extended (pax) header at byte ${this.offset} is malformed`);
    if (kind === "pax-global") return; // global defaults (mtime, charset): nothing we rely on
    const path = records.get("path");
    if (path !== undefined) this.nextName = path;
    const size = records.get("size");
    if (size !== undefined) {
      if (!/^\d+$/.test(size)) throw this.refuse(`is damaged: a pax header has an invalid size`);
      this.nextSize = BigInt(size);
    }
  }

  private gzip(): AppError {
    return this.refuse("is gzip-compressed; upload the plain .tar (made with `tar -cvf`, without -z)");
  }

  private refuse(why: string): AppError {
    return new AppError("VALIDATION", `The package ${why}.`, { field: this.field });
  }

  private refuseMember(name: string, why: string): AppError {
    return new AppError("VALIDATION", `The package is refused: member "${printable(name)}" ${why}.`, {
      field: this.field,
      details: { entry: printable(name) },
    });
  }
}
