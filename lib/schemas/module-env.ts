import { z } from "zod";

/**
 * The environment a local PKCS#11 library reads its configuration from (SOFTHSM2_CONF,
 * ChrystokiConfigurationPath, YUBIHSM_PKCS11_CONF, …), written one NAME=value per line. The
 * library runs in the console's worker and in each SE's p11-kit server (as root), so variables
 * that change how a process runs rather than what the library reads are refused.
 */
const LINE = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;
const RUNTIME_NAMES = /^(PATH|HOME|SHELL|IFS|LD_.*|DYLD_.*|NODE_.*|UV_.*|OPENSSL_.*|P11_KIT_.*_CONF|HSM_.*)$/;
const MAX_LINES = 32;

function lines(text: string): { number: number; line: string }[] {
  return text
    .split(/\r?\n/)
    .map((line, i) => ({ number: i + 1, line: line.trim() }))
    .filter((l) => l.line !== "" && !l.line.startsWith("#"));
}

export function parseModuleEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { line } of lines(text)) {
    const match = LINE.exec(line);
    if (match) env[match[1] as string] = match[2] as string;
  }
  return env;
}

export function formatModuleEnv(env: Record<string, string> | null | undefined): string {
  return Object.entries(env ?? {})
    .map(([name, value]) => `${name}=${value}`)
    .join("\n");
}

/** Validated text; services turn it into variables with parseModuleEnv. */
export const ZModuleEnvText = z
  .string()
  .max(4096, "Use at most 4,096 characters.")
  .superRefine((text, ctx) => {
    const seen = new Set<string>();
    const entries = lines(text);
    if (entries.length > MAX_LINES)
      ctx.addIssue({ code: "custom", message: `Use at most ${MAX_LINES} variables.` });
    for (const { number, line } of entries) {
      const match = LINE.exec(line);
      const name = match?.[1];
      if (!name) {
        ctx.addIssue({
          code: "custom",
          message: `Line ${number}: write NAME=value, e.g. ChrystokiConfigurationPath=/etc.`,
        });
      } else if (RUNTIME_NAMES.test(name)) {
        ctx.addIssue({
          code: "custom",
          message: `Line ${number}: ${name} changes how the console's processes run, not the library's configuration; it cannot be set here.`,
        });
      } else if (seen.has(name)) {
        ctx.addIssue({ code: "custom", message: `Line ${number}: ${name} is set twice.` });
      }
      if (name) seen.add(name);
    }
  });
