import type { HsmMember } from "@/server/hsm/hsm-access";

/** A dedicated key per partition for test signatures (EJBCA's "test key"): never a customer key. */
export const HEALTH_CHECK_LABEL = "hsm-console-healthcheck";
/** CKA_ID = hex of "hsm-console-hc". */
export const HEALTH_CHECK_ID = Buffer.from("hsm-console-hc").toString("hex");

export async function ensureHealthCheckKey(member: HsmMember): Promise<{ idHex: string; created: boolean }> {
  const found = await member.client.findKeys(member.token, { label: HEALTH_CHECK_LABEL });
  if (found[0]) return { idHex: found[0].idHex, created: false };
  await member.client.generateKeyPair({
    token: member.token,
    idHex: HEALTH_CHECK_ID,
    label: HEALTH_CHECK_LABEL,
    spec: { type: "EC", curve: "P-256" },
  });
  return { idHex: HEALTH_CHECK_ID, created: true };
}
