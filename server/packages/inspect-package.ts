import { createHash } from "node:crypto";
import { AppError } from "@/lib/errors";
import { type HsmPackageType, matchName, PACKAGE_RULES } from "./package-rules";
import type { TarLimits } from "./tar-limits";
import { type ByteSource, readTar } from "./tar-reader";

export interface PackageMember {
  name: string;
  size: number;
  sha256: string;
  /** The required/optional component this member provides; absent for extra members. */
  component?: string;
  version?: string;
  /** For `.rpm` members: whether the file starts with the RPM lead magic `ed ab ee db`. */
  rpmLead?: boolean;
}

export interface HsmPackageReport {
  type: HsmPackageType;
  /** The one client version of the bundle; null when the member names carry none (nShield). */
  version: string | null;
  members: PackageMember[];
  /** Always empty in a returned report (a missing member refuses the upload); kept for the UI shape. */
  missing: string[];
  /** Files no rule recognises; refused when strict, reported otherwise. */
  extra: string[];
  /** Plain sentences worth showing, e.g. an `.rpm` member that is not an RPM. */
  notes: string[];
  sha256: string;
  size: number;
}

export interface InspectHsmPackageInput {
  type: HsmPackageType;
  stream: ByteSource;
  strict?: boolean;
  limits?: Partial<TarLimits>;
  field?: string;
}

const RPM_LEAD = Buffer.from([0xed, 0xab, 0xee, 0xdb]);

/**
 * Validates an uploaded vendor bundle as it streams in (see tar-reader for the safety rules)
 * and checks its members against the vendor's rule. Nothing is written anywhere: the caller
 * stores the bytes only after this resolves.
 */
export async function inspectHsmPackage(input: InspectHsmPackageInput): Promise<HsmPackageReport> {
  const field = input.field ?? "package";
  const rule = PACKAGE_RULES[input.type];
  const whole = createHash("sha256");
  const members: PackageMember[] = [];

  async function* tap(source: ByteSource): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      const buffer =
        typeof chunk === "string"
          ? Buffer.from(chunk)
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      whole.update(buffer);
      yield buffer;
    }
  }

  const { bytes } = await readTar(tap(input.stream), {
    field,
    ...(input.limits ? { limits: input.limits } : {}),
    onMember(member) {
      if (member.kind !== "file") return undefined;
      const hash = createHash("sha256");
      let head = Buffer.alloc(0);
      return {
        write(chunk) {
          hash.update(chunk);
          if (head.length < 4) head = Buffer.concat([head, chunk.subarray(0, 4 - head.length)]);
        },
        end() {
          const entry: PackageMember = { name: member.name, size: member.size, sha256: hash.digest("hex") };
          if (member.name.endsWith(".rpm")) entry.rpmLead = head.equals(RPM_LEAD);
          members.push(entry);
        },
      };
    },
  });

  const byComponent = new Map<string, PackageMember>();
  const extra: string[] = [];
  const notes: string[] = [];
  for (const member of members) {
    const match = rule.match(matchName(member.name));
    if (!match) {
      extra.push(member.name);
      continue;
    }
    const previous = byComponent.get(match.component);
    if (previous) {
      throw refuse(
        `holds two ${match.component} packages (${previous.name} and ${member.name}); keep one`,
        field,
        {
          entry: member.name,
        },
      );
    }
    member.component = match.component;
    if (match.version) member.version = match.version;
    byComponent.set(match.component, member);
    if (member.rpmLead === false)
      notes.push(`${member.name} does not start like an RPM file (no RPM lead); check the download.`);
  }

  const missing = rule.required.filter((component) => !byComponent.has(component));
  const found = [...byComponent.keys()];
  if (missing.length > 0) {
    throw refuse(
      `is missing ${missing.join(", ")} for ${rule.fileName} (found: ${found.join(", ") || "none of the required members"})`,
      field,
      { missing, found, extra },
    );
  }
  const versions = new Map<string, string[]>();
  for (const member of byComponent.values()) {
    if (!member.version) continue;
    versions.set(member.version, [...(versions.get(member.version) ?? []), member.component ?? member.name]);
  }
  if (versions.size > 1) {
    const listed = [...versions]
      .map(([version, components]) => `${version} (${components.join(", ")})`)
      .join("; ");
    throw refuse(`mixes client versions: ${listed}. All members must come from one client release`, field, {
      versions: Object.fromEntries(versions),
    });
  }
  if (input.strict && extra.length > 0) {
    throw refuse(`holds files that are not part of the ${input.type} client: ${extra.join(", ")}`, field, {
      extra,
    });
  }
  return {
    type: input.type,
    version: [...versions.keys()][0] ?? null,
    members,
    missing: [],
    extra,
    notes,
    sha256: whole.digest("hex"),
    size: bytes,
  };
}

function refuse(why: string, field: string, details: Record<string, unknown>): AppError {
  return new AppError("VALIDATION", `The package ${why}.`, { field, details });
}
