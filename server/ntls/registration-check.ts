import { type ApplianceClientIdentity, applianceRequest } from "./appliance-https";

/**
 * Why is this client refused? The NTLS front can only close a refused connection (a TLS alert
 * carries no reason), so the appliance answers the question on its admin API for the same
 * mTLS identity: registered name and partitions, or FORBIDDEN with the reason
 * ("certificate … is not registered", "certificate expired on …").
 */
export interface NtlsRegistration {
  clientID: string;
  partitions: string[];
}

export async function checkNtlsRegistration(id: ApplianceClientIdentity): Promise<NtlsRegistration> {
  const body = (await applianceRequest(id, "GET", "/api/lab/ntls/whoami")) as Partial<NtlsRegistration>;
  return {
    clientID: String(body.clientID ?? ""),
    partitions: Array.isArray(body.partitions) ? body.partitions : [],
  };
}
