/** Key operations on every member of an HSM group (HA replication goes through the HaGroup). */
import type { KeySpec } from "@/server/pkcs11";
import { pkcs11Uri, toAppError } from "@/server/pkcs11";
import type { HsmGroupAccess } from "@/server/hsm/hsm-access";

/** Generates the key pair; returns the members holding it (recorded on the certificate). */
export async function generateInGroup(
  access: HsmGroupAccess,
  input: { idHex: string; label: string; spec: KeySpec },
): Promise<string[]> {
  if (access.ha) {
    const { replication } = await access.ha.generateKeyPair(input);
    if (replication.failed.length > 0) {
      // The key exists on some members only: the caller treats this as a failure and cleans up.
      throw new Error(
        `The key could not be replicated to ${replication.failed.map((f) => `${f.member} (${f.error})`).join(", ")}.`,
      );
    }
    return [replication.source, ...replication.replicatedTo];
  }
  const member = access.members[0]!;
  await member.client.generateKeyPair({ ...input, token: member.token });
  return [member.name];
}

/** Imports the same PKCS#8 into every member (the key existed outside the HSM anyway). */
export async function importInGroup(
  access: HsmGroupAccess,
  input: { idHex: string; label: string; pkcs8: Buffer },
): Promise<string[]> {
  for (const member of access.members) {
    // The layer zeroes the buffer it gets: hand each member its own copy.
    await member.client.importPrivateKey({
      token: member.token,
      idHex: input.idHex,
      label: input.label,
      pkcs8: Buffer.from(input.pkcs8),
    });
  }
  return access.members.map((m) => m.name);
}

/** Destroys the key objects on every member; returns the members that could not be reached. */
export async function destroyInGroup(access: HsmGroupAccess, idHex: string): Promise<string[]> {
  const failed: string[] = [];
  for (const member of access.members) {
    try {
      await member.client.destroyKey(member.token, idHex);
    } catch (error) {
      const app = toAppError(error);
      if (app.code !== "HSM_OBJECT_NOT_FOUND") failed.push(`${member.name}: ${app.message}`);
    }
  }
  return failed;
}

export function keyUriFor(access: HsmGroupAccess, idHex: string, label: string): string {
  const token = access.members[0]!.token;
  return pkcs11Uri({ token: token.label, idHex, object: label, type: "private" });
}
