/** HSM group types, named as in Avi's HardwareSecurityModuleGroup.hsm.type where one exists. */
export const HSM_TYPES = [
  "safenet-luna",
  "lab-appliance",
  "thales-nshield",
  "aws-cloudhsm",
  "pkcs11-module",
] as const;
export type HsmType = (typeof HSM_TYPES)[number];

export const HSM_TYPE_LABELS: Record<HsmType, string> = {
  "safenet-luna": "SafeNet Luna Network HSM",
  "lab-appliance": "Lab network HSM appliance (SafeNet-style, NTLS)",
  "thales-nshield": "Thales nShield",
  "aws-cloudhsm": "AWS CloudHSM",
  "pkcs11-module": "PKCS#11 module (local library: SoftHSM, YubiHSM, …)",
};

/** Types whose servers are network appliances reached over NTLS with a registered client certificate. */
export function isNetworkHsm(type: HsmType): boolean {
  return type === "safenet-luna" || type === "lab-appliance";
}

export const HSM_CLIENT_KINDS = ["console", "service-engine"] as const;
export const HSM_NETWORKS = ["management", "dedicated"] as const;
export const REGISTRATION_STATES = [
  "unknown",
  "registered",
  "refused",
  "unreachable",
  "no-partition",
] as const;
