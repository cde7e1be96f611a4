import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { assertInstallationAdmin } from "../hsm-packages/list-packages";
import { consoleCertificateChoices } from "./console-certificates";
import { readFrontChoice, readFrontState } from "./front-files";

export interface ConsoleTlsStatus {
  /** What this node serves now (as its server wrote at start); null before the first start. */
  serving: {
    kind: "hsm" | "file";
    certificateId: string | null;
    fingerprint: string;
    reason: string;
    since: string;
  } | null;
  /** What it will serve from its next start. */
  chosen: { certificateId: string; certificateName: string; chosenBy: string; chosenAt: string } | null;
  choices: {
    id: string;
    name: string;
    subjectCn: string | null;
    notAfter: string | null;
    fingerprint: string | null;
  }[];
}

export async function consoleTlsStatus(db: Db, actor: Actor): Promise<ConsoleTlsStatus> {
  assertInstallationAdmin(actor);
  const state = readFrontState();
  const choices = await consoleCertificateChoices(db, actor.tenantId);
  return {
    serving: state
      ? {
          kind: state.serving,
          certificateId: state.certificateId,
          fingerprint: state.fingerprint,
          reason: state.reason,
          since: state.since,
        }
      : null,
    chosen: readFrontChoice(),
    choices: choices.map((c) => ({
      id: c.id,
      name: c.name,
      subjectCn: c.subjectCn,
      notAfter: c.notAfter?.toISOString() ?? null,
      fingerprint: c.fingerprintSha256,
    })),
  };
}
