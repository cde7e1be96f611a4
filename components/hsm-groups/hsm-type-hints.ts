import type { HsmType } from "@/lib/hsm-types";

/** Under the Type choice: which type fits which setup (the lab's appliances are not "SafeNet Luna"). */
export const HSM_TYPE_HINTS: Record<HsmType, string> = {
  "safenet-luna": "A real SafeNet (Thales) Luna Network HSM, reached over NTLS with a registered client.",
  "lab-appliance":
    "The emulated appliances of this project's lab (lab/bin/hsm-lab status lists their addresses): choose this to follow the document without a real Luna.",
  "thales-nshield":
    "A Thales nShield: upload its client bundle (thales.tar) under Upload HSM Packages first.",
  "aws-cloudhsm": "An AWS CloudHSM cluster: upload its client bundle under Upload HSM Packages first.",
  "pkcs11-module":
    "A PKCS#11 library on this node (the built-in Local-SoftHSM is one): no appliance, no client registration.",
};
