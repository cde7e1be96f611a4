import { CliError, usage } from "./errors";
import { detailTable, json } from "./format";
import { type RefSpec, resolveRef } from "./refs";
import type { Command } from "./registry";
import { requireByName } from "./resources";
import type { Session } from "./session";
import { onlyKnown, pairList, renameField } from "./values";

export const RESOURCE = "sslkeyandcertificate";
/** `hsm_group NAME` (Avi: hardwaresecuritymodulegroup_ref): where the key is made or imported. */
export const HSM_GROUP_REF: RefSpec = { field: "hsmGroupId", resource: "hardwaresecuritymodulegroup" };
export const HSM_GROUP_WORDS = ["hsm_group", "hardwaresecuritymodulegroup_ref"];

interface CertificateCommand {
  verb: string;
  usage: string;
  summary: string;
  /** Words after NAME (besides hsm_group); pairs, some repeatable (`san`). */
  words: string[];
  /** The REST path under /api/sslkeyandcertificate that creates the object. */
  path: string;
  /** The procedure's input from the words (NAME and hsmGroupId are added). */
  body(
    values: Map<string, string | undefined>,
    list: [string, string | undefined][],
  ): Record<string, unknown>;
  complete(args: string[]): string[];
}

/**
 * `create` and `import` share their shape: `<verb> sslkeyandcertificate NAME word value …`,
 * `hsm_group NAME` resolved to its id, one POST, then the outcome once the console knows it.
 */
export function certificateCommand(spec: CertificateCommand): Command {
  return {
    verb: spec.verb,
    usage: spec.usage,
    summary: spec.summary,
    async run(args, session) {
      const [what, name, ...rest] = args;
      if (what !== RESOURCE || !name) throw usage(`Usage: ${spec.usage}`);
      const list = pairList(rest);
      const values = new Map(list);
      onlyKnown(values, [...spec.words, ...HSM_GROUP_WORDS]);
      const groupWord = HSM_GROUP_WORDS.find((w) => values.has(w)) ?? "hsm_group";
      const group = values.get(groupWord);
      const body = {
        ...spec.body(values, list),
        name,
        hsmGroupId:
          group === undefined ? undefined : await resolveRef(session, groupWord, HSM_GROUP_REF, group),
      };
      try {
        await session.client().request("POST", `/api/${RESOURCE}${spec.path}`, body);
      } catch (error) {
        throw renameField(error, certFieldWords);
      }
      printCertificate(session, await waitForCertificate(session, name));
    },
    complete: spec.complete,
  };
}

interface CertificateItem {
  name: string;
  type: string;
  status: string;
  subjectCn: string | null;
  keyAlgorithm: string;
  keyBits: number | null;
  keyCurve: string | null;
  hsmGroupName: string | null;
  notAfter: string | null;
  failureReason: string | null;
}

/** Creation finishes in the background: scripts want the outcome, so wait until it is known. */
export async function waitForCertificate(session: Session, name: string): Promise<CertificateItem> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const item = (await requireByName(session, RESOURCE, name)) as unknown as CertificateItem;
    if (item.status !== "creating") return item;
    if (Date.now() > deadline)
      throw new CliError(`${name} is still being created; check with "show ${RESOURCE} ${name}".`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The outcome in a few rows; a failed creation is an error (exit 1) with the console's reason. */
export function printCertificate(session: Session, item: CertificateItem): void {
  if (item.status === "failed") {
    throw new CliError(`${item.name}: ${item.failureReason ?? "creation failed"}`, 1, "FAILED");
  }
  if (session.json) {
    session.out(json(item));
    return;
  }
  session.out(
    detailTable({
      name: item.name,
      type: item.type,
      status: item.status,
      common_name: item.subjectCn,
      key: `${item.keyAlgorithm} ${item.keyCurve ?? item.keyBits ?? ""}`.trim(),
      hsm_group: item.hsmGroupName ?? "(none: key encrypted in the console)",
      not_after: item.notAfter,
    }),
  );
}

/** The console's import/create fields in the CLI's words. */
export function certFieldWords(field: string): string | null {
  const words: Record<string, string> = {
    name: "name",
    type: "type",
    hsmGroupId: "hsm_group",
    key: "key_type",
    commonName: "common_name",
    dnsNames: "san",
    ipAddresses: "san",
    validityDays: "validity_days",
    keyPem: "key",
    keyPassphrase: "key_passphrase",
    pkcs12Base64: "pkcs12",
    pkcs12Password: "password",
    certificatePem: "certificate",
    chainPem: "chain",
  };
  return words[field.split(".")[0]!] ?? null;
}
