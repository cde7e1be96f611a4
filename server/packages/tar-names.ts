import { AppError } from "@/lib/errors";
import type { TarLimits } from "./tar-limits";

/** NUL and other control characters: a NUL hides the rest of a name from C tools, others garble logs. */
function isControl(char: string): boolean {
  const code = char.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

/**
 * Makes a member name safe to show and compare, or refuses it. Even though we never extract,
 * a name that would escape a folder on extraction marks a hostile or broken archive, and the
 * stored package is later unpacked by other tools (rpm, dpkg, the SE installer).
 */
export function checkMemberName(raw: string, limits: TarLimits, field: string, directory = false): string {
  const refuse = (why: string) =>
    new AppError("VALIDATION", `The package is refused: member "${printable(raw)}" ${why}.`, {
      field,
      details: { entry: printable(raw) },
    });
  if (raw === "") throw refuse("has an empty name");
  if (Buffer.byteLength(raw) > limits.maxNameBytes)
    throw refuse(`has a name longer than ${limits.maxNameBytes} bytes`);
  if ([...raw].some(isControl)) throw refuse("has a NUL or control character in its name");
  if (raw.startsWith("/") || raw.startsWith("\\") || /^[A-Za-z]:/.test(raw))
    throw refuse("has an absolute path");
  const parts = raw.split(/[/\\]+/).filter((part) => part !== "" && part !== ".");
  if (parts.includes("..")) throw refuse('contains ".." and would be written outside the package folder');
  // `./` is the archive's own top folder (GNU tar writes it for `tar -C dir .`): harmless.
  if (parts.length === 0) {
    if (directory) return "";
    throw refuse("has an empty name");
  }
  if (parts.length > limits.maxDepth) throw refuse(`is nested deeper than ${limits.maxDepth} folders`);
  return parts.join("/");
}

/** Names are shown back to the admin: make control characters visible instead of printing them. */
export function printable(name: string): string {
  const visible = [...name]
    .map((c) => (isControl(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}` : c))
    .join("");
  return visible.length > 200 ? `${visible.slice(0, 200)}…` : visible;
}
