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
  choices: ConsoleCertificateChoice[];
}

export interface ConsoleCertificateChoice {
  id: string;
  name: string;
  subjectCn: string | null;
  notAfter: string | null;
  fingerprint: string | null;
}

/** Certificates this node's HTTPS may be served with (REST: GET /api/consolecertificate). */
export async function listConsoleCertificateChoices(
  db: Db,
  actor: Actor,
): Promise<ConsoleCertificateChoice[]> {
  assertInstallationAdmin(actor);
  const choices = await consoleCertificateChoices(db, actor.tenantId);
  return choices.map((c) => ({
    id: c.id,
    name: c.name,
    subjectCn: c.subjectCn,
    notAfter: c.notAfter?.toISOString() ?? null,
    fingerprint: c.fingerprintSha256,
  }));
}

export async function consoleTlsStatus(db: Db, actor: Actor): Promise<ConsoleTlsStatus> {
  const choices = await listConsoleCertificateChoices(db, actor);
  const state = readFrontState();
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
    choices,
  };
}
