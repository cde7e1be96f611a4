import { AppError } from "../../lib/errors";

/**
 * Whether a member's token can keep HA keys inside the HSM. "cloneable": its cloning-domain key
 * does not stop a partition user from unwrapping an HA key as non-sensitive, i.e. anyone with
 * the partition password can copy the key out in plaintext (measured, see probeCustody).
 */
export interface MemberCustody {
  member: string;
  cloneable: boolean;
  reason: string;
}

export const CLONEABLE_MEANING =
  "Cloneable: this HSM does not stop a partition user from unwrapping an HA key as non-sensitive, so anyone with the partition password can copy the key out of the HSM in plaintext.";

/**
 * The HA set-up gate: refuses when a member would make HA keys cloneable (measured by
 * HaGroup.measureCustody()), unless the admin accepted that explicitly (`allowCloneable`).
 */
export function assertCustody(
  custody: MemberCustody[],
  opts: { allowCloneable?: boolean } = {},
): MemberCustody[] {
  const cloneable = custody.filter((c) => c.cloneable);
  if (cloneable.length > 0 && !opts.allowCloneable) {
    throw new AppError(
      "CONFLICT",
      `HA on ${cloneable.map((c) => `"${c.member}"`).join(", ")} would make its keys cloneable. ${CLONEABLE_MEANING} Install a cloning-domain key with CKA_UNWRAP_TEMPLATE (server/pkcs11/README.md), or accept this explicitly.`,
      { field: "allowCloneable", details: { cloneable: cloneable.map((c) => c.member) } },
    );
  }
  return custody;
}
