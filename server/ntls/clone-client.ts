import { AppError } from "@/lib/errors";
import { type ApplianceClientIdentity, applianceRequest } from "./appliance-https";

/**
 * Client side of HSM-to-HSM cloning (HA key replication). The console relays an opaque blob:
 * export wraps the key pair inside the source appliance under its cloning-domain key, import
 * unwraps it inside the target. The client authenticates with its NTLS client certificate
 * (mTLS) and proves the partition password; it never sees key material.
 * Keys are cloneable only if generated with CKA_EXTRACTABLE and CKA_WRAP_WITH_TRUSTED true.
 */
export interface CloneEndpoint extends ApplianceClientIdentity {
  partition: string;
  password: string;
}

const clonePath = (partition: string, action: string) =>
  `/api/lab/partitions/${encodeURIComponent(partition)}/${action}`;

export async function cloneExport(opts: CloneEndpoint & { idHex: string }): Promise<{ blob: string }> {
  const body = await applianceRequest(opts, "POST", clonePath(opts.partition, "clone-export"), {
    password: opts.password,
    idHex: opts.idHex,
  });
  const blob = (body as { blob?: unknown }).blob;
  if (typeof blob !== "string") throw new AppError("HSM_ERROR", "The appliance returned no clone blob.");
  return { blob };
}

export async function cloneImport(opts: CloneEndpoint & { blob: string }): Promise<void> {
  await applianceRequest(opts, "POST", clonePath(opts.partition, "clone-import"), {
    password: opts.password,
    blob: opts.blob,
  });
}
