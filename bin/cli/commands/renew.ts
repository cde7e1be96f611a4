import fs from "node:fs";
import path from "node:path";
import { RESOURCE } from "../certificates";
import { usage } from "../errors";
import { detailTable, json } from "../format";
import type { Command } from "../registry";
import { objectNames, requireByName } from "../resources";

/**
 * `renew sslkeyandcertificate NAME [new_key]`: a new CSR for the same key (written to
 * `<NAME>.csr` for the CA), or with `new_key` a new certificate object with a fresh key.
 */
export const renew: Command = {
  verb: "renew",
  usage: "renew sslkeyandcertificate NAME [new_key]",
  summary: "renew a certificate: a CSR for its key (<NAME>.csr), or a new key with new_key",
  async run(args, session) {
    const [what, name, flag, ...more] = args;
    if (what !== RESOURCE || !name || more.length || (flag !== undefined && flag !== "new_key")) {
      throw usage(`Usage: ${this.usage}`);
    }
    const item = await requireByName(session, RESOURCE, name);
    const result = await session
      .client()
      .request<{ id: string; name: string; csrPem: string | null }>(
        "POST",
        `/api/${RESOURCE}/${item.id}/renew`,
        { newKey: flag === "new_key" },
      );
    let file: string | null = null;
    if (result.csrPem) {
      file = path.resolve(process.cwd(), `${result.name.replace(/[^A-Za-z0-9._-]/g, "_")}.csr`);
      fs.writeFileSync(file, result.csrPem);
    }
    if (session.json) session.out(json({ ...result, file }));
    else session.out(detailTable({ name: result.name, csr_file: file ? path.basename(file) : "-" }));
  },
  async complete(args, session) {
    if (args.length <= 1) return [RESOURCE];
    if (args.length === 2) return objectNames(session, RESOURCE);
    return args.length === 3 ? ["new_key"] : [];
  },
};
