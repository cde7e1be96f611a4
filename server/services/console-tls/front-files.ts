import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { dataDir } from "@/server/config/env";

/**
 * The console's HTTPS key choice is per node (each node has its own Local-SoftHSM token), so it
 * lives in the node's data folder, not in the shared database: <data>/tls/front.json (what the
 * admin chose) and <data>/tls/front-state.json (what the running server serves, written at start).
 */
const ZChoice = z.object({
  certificateId: z.uuid(),
  certificateName: z.string(),
  chosenBy: z.string(),
  chosenAt: z.string(),
});
export type FrontChoice = z.infer<typeof ZChoice>;

const ZState = z.object({
  serving: z.enum(["hsm", "file"]),
  certificateId: z.uuid().nullable(),
  fingerprint: z.string(),
  reason: z.string(),
  since: z.string(),
});
export type FrontState = z.infer<typeof ZState>;

function tlsDir(): string {
  return path.join(dataDir(), "tls");
}

function readJson<T>(file: string, schema: z.ZodType<T>): T | null {
  try {
    return schema.parse(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch {
    return null;
  }
}

/** Written to a temporary file and renamed: a crash leaves the old content or the new, never half. */
function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temp, file);
}

export const frontChoiceFile = (): string => path.join(tlsDir(), "front.json");
const frontStateFile = (): string => path.join(tlsDir(), "front-state.json");

export const readFrontChoice = (): FrontChoice | null => readJson(frontChoiceFile(), ZChoice);
export const readFrontState = (): FrontState | null => readJson(frontStateFile(), ZState);
export const writeFrontState = (state: FrontState): void => writeJson(frontStateFile(), state);

export function writeFrontChoice(choice: FrontChoice | null): void {
  if (choice) writeJson(frontChoiceFile(), choice);
  else fs.rmSync(frontChoiceFile(), { force: true });
}
