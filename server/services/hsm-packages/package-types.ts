import type { HsmType } from "@/lib/hsm-types";
import type { HsmPackageType } from "@/server/packages";

/** Which HSM group types use a vendor package (SEs of those groups need a restart after a change). */
export const GROUP_TYPES_OF_PACKAGE: Record<HsmPackageType, HsmType[]> = {
  safenet: ["safenet-luna", "lab-appliance"],
  thales: ["thales-nshield"],
  cloudhsm: ["aws-cloudhsm"],
};

/** Uploads above this are refused before they are buffered (Content-Length) or while counted. */
export const MAX_PACKAGE_BYTES = 256 * 1024 * 1024;
/** Stored in rows of about 1 MiB: every console node sharing the database has the package. */
export const CHUNK_BYTES = 1024 * 1024;
