import { z } from "zod";

export const HSM_PACKAGE_TYPES = ["safenet", "thales", "cloudhsm"] as const;
export const HSM_PACKAGE_LABELS: Record<(typeof HSM_PACKAGE_TYPES)[number], string> = {
  safenet: "SafeNet (safenet.tar)",
  thales: "Thales nShield (thales.tar)",
  cloudhsm: "AWS CloudHSM client",
};
export const ZHsmPackageType = z.enum(HSM_PACKAGE_TYPES, {
  message: "Choose SafeNet, Thales nShield or AWS CloudHSM.",
});

export const ZHsmPackage = z.object({
  id: z.string(),
  name: z.string(),
  type: ZHsmPackageType,
  version: z.string().nullable(),
  fileName: z.string(),
  size: z.number(),
  sha256: z.string(),
  members: z.array(z.object({ name: z.string(), size: z.number(), sha256: z.string() })),
  uploadedBy: z.string(),
  uploadedAt: z.string(),
});
export type HsmPackage = z.infer<typeof ZHsmPackage>;

/** What the upload route answers (JSON), on success. */
export const ZUploadAnswer = z.object({
  message: z.string(),
  id: z.string(),
  type: ZHsmPackageType,
  version: z.string().nullable(),
  size: z.number(),
  sha256: z.string(),
  members: z.array(z.object({ name: z.string(), size: z.number(), component: z.string().optional() })),
  extra: z.array(z.string()),
  notes: z.array(z.string()),
  restartRequired: z.number(),
});
export type UploadAnswer = z.infer<typeof ZUploadAnswer>;
