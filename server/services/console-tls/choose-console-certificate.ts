import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { assertInstallationAdmin } from "../hsm-packages/list-packages";
import { consoleCertificate } from "./console-certificates";
import { readFrontChoice, writeFrontChoice } from "./front-files";

/**
 * Chooses the certificate (key in Local-SoftHSM) this node serves its HTTPS with from its next
 * start, or null to go back to the file certificate. The running listener is not switched live:
 * a wrong choice must never cut the admin off mid-session, and the start falls back to the file
 * certificate when the HSM key cannot serve.
 */
export async function chooseConsoleCertificate(
  db: Db,
  actor: Actor,
  certificateId: string | null,
): Promise<{ id: string | null; name: string }> {
  assertInstallationAdmin(actor);
  if (certificateId === null) {
    const previous = readFrontChoice();
    writeFrontChoice(null);
    return {
      id: previous?.certificateId ?? null,
      name: previous?.certificateName ?? "console file certificate",
    };
  }
  const { cert } = await consoleCertificate(db, actor.tenantId, certificateId);
  writeFrontChoice({
    certificateId: cert.id,
    certificateName: cert.name,
    chosenBy: actor.username,
    chosenAt: new Date().toISOString(),
  });
  return { id: cert.id, name: cert.name };
}
