import fs from "node:fs";
import path from "node:path";
import { usage } from "../errors";
import { json } from "../format";
import type { Command } from "../registry";
import { objectNames, requireByName } from "../resources";

const RESOURCE = "hardwaresecuritymodulegroup";

/**
 * `download clientcert GROUP CLIENT` writes `<CLIENT>.pem` in the current folder: the client
 * certificate that the download page hands out, for `scp <client>.pem admin@<hsm>:`.
 */
export const download: Command = {
  verb: "download",
  usage: "download clientcert GROUP CLIENT",
  summary: "write an HSM group client's certificate to <CLIENT>.pem (never its key)",
  async run(args, session) {
    const [what, groupName, clientName] = args;
    if (what !== "clientcert" || !groupName || !clientName || args.length > 3) {
      throw usage(`Usage: ${this.usage}`);
    }
    const group = await requireByName(session, RESOURCE, groupName);
    const answer = await session
      .client()
      .request<{ name: string; certificatePem: string }>("POST", `/api/${RESOURCE}/${group.id}/clientcert`, {
        client: clientName,
      });
    // Client names are the console's own (host names): still, never write outside the folder.
    const file = path.resolve(process.cwd(), `${answer.name.replace(/[^A-Za-z0-9._-]/g, "_")}.pem`);
    fs.writeFileSync(file, answer.certificatePem);
    session.out(session.json ? json({ file, name: answer.name }) : `Wrote ${path.basename(file)}`);
  },
  async complete(args, session) {
    if (args.length <= 1) return ["clientcert"];
    if (args.length === 2) return objectNames(session, RESOURCE);
    if (args.length === 3) {
      try {
        const group = (await session
          .client()
          .get(`/api/${RESOURCE}?name=${encodeURIComponent(args[1]!)}`)) as {
          results: { clients: { name: string }[] }[];
        };
        return (group.results[0]?.clients ?? []).map((c) => c.name);
      } catch {
        return [];
      }
    }
    return [];
  },
};
