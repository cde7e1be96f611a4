import { AppError } from "../../lib/errors";
import { CLONEABLE_MEANING, type MemberCustody } from "./ha-types";

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
