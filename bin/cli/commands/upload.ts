import fs from "node:fs";
import path from "node:path";
import { usage } from "../errors";
import { json } from "../format";
import type { Command } from "../registry";

const TYPES = ["safenet", "thales", "cloudhsm"];

/** The document's `upload hsmpackage filename /tmp/safenet_pkg/safenet.tar` (type from the name, or `type T`). */
export const upload: Command = {
  verb: "upload",
  usage: "upload hsmpackage filename PATH [type safenet|thales|cloudhsm]",
  summary: "upload an HSM client package (validated by the console, stored for every node)",
  async run(args, session) {
    if (args[0] !== "hsmpackage" || args[1] !== "filename" || !args[2]) throw usage(`Usage: ${this.usage}`);
    const file = args[2];
    const type =
      args[3] === "type" ? args[4] : TYPES.find((t) => path.basename(file).toLowerCase().startsWith(t));
    if (!type || !TYPES.includes(type)) throw usage(`Give the package type: ${this.usage}`);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (error) {
      throw usage(
        `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    const query = new URLSearchParams({ hsmtype: type, filename: path.basename(file) });
    const result = await session.client().upload(`/api/fileservice/hsmpackages?${query}`, bytes);
    session.out(session.json ? json(result) : "HSM Package uploaded successfully");
  },
  async complete(args) {
    if (args.length <= 1) return ["hsmpackage"];
    if (args.length === 2) return ["filename"];
    return [];
  },
};
