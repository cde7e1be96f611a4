import { createSelfSigned } from "@/server/ntls/self-signed";

const DAY = 24 * 60 * 60 * 1000;

/** A server.pem as an appliance would present it (valid for a year). */
export async function serverPem(host = "127.0.91.200"): Promise<string> {
  return (await createSelfSigned({ commonName: host, ips: [host] })).certPem;
}

export async function expiredServerPem(): Promise<string> {
  return (
    await createSelfSigned({
      commonName: "old-hsm",
      notBefore: new Date(Date.now() - 400 * DAY),
      notAfter: new Date(Date.now() - 10 * DAY),
    })
  ).certPem;
}

export function networkGroupInput(name: string, pems: string[], extra: Record<string, unknown> = {}) {
  return {
    name,
    type: "lab-appliance" as const,
    servers: pems.map((pem, i) => ({
      address: `127.0.91.${200 + i}`,
      port: 1792,
      serverCert: pem,
      partition: `par${40 + i}`,
      partitionPassword: `secret-partition-pw-${i}`,
    })),
    ...extra,
  };
}
