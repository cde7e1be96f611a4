import { certificateKind } from "./certificate";
import { hsmGroupKind } from "./hsm-group";
import { poolKind } from "./pool";
import { seGroupKind } from "./se-group";
import { tenantKind } from "./tenant";
import type { AviKind } from "./types";
import { userKind } from "./user";
import { virtualServiceKind } from "./virtual-service";
import { vsVipKind } from "./vsvip";

/** The objects served in Avi's shapes; other resources answer in the console's shapes. */
export const AVI_KINDS: Record<string, AviKind> = Object.fromEntries(
  [
    hsmGroupKind,
    certificateKind,
    seGroupKind,
    virtualServiceKind,
    vsVipKind,
    poolKind,
    tenantKind,
    userKind,
  ].map((k) => [k.kind, k]),
);
