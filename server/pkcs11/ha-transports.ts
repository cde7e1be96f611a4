/**
 * HA members and replication transports: how a key is copied between the members of an HA group
 * without its material ever reaching the console (wrap under the cloning-domain key, or the
 * appliances' own clone API).
 */
import { AppError } from "../../lib/errors";
import type { Pkcs11Client } from "./client";
import { toAppError } from "./errors";
import type { MemberCustody } from "./ha-custody";
import type { ReplicaBlob, TokenRef } from "./types";

export interface HaMember {
  /** Display name (appliance name or address). */
  name: string;
  client: Pkcs11Client;
  token: TokenRef;
}

/** Opaque copy of one key in transit between members: only ciphertext and public data. */
export interface ReplicationBlob {
  idHex: string;
  label: string;
  payload: unknown;
}

export interface ReplicationTransport {
  readonly kind: string;
  /** Whether the source key must be generated CKA_EXTRACTABLE + CKA_WRAP_WITH_TRUSTED. */
  readonly needsReplicableSource: boolean;
  /** Explains why these members cannot replicate (undefined = they can). */
  check(members: HaMember[]): Promise<string | undefined>;
  /** Measures, per member, whether HA keys stay inside the HSM (see MemberCustody). */
  custody(members: HaMember[]): Promise<MemberCustody[]>;
  exportKey(source: HaMember, idHex: string): Promise<ReplicationBlob>;
  importKey(target: HaMember, blob: ReplicationBlob): Promise<void>;
}

/**
 * Wrap/unwrap with CKM_AES_KEY_WRAP_PAD under the cloning-domain key (a trusted AES key the
 * security officers installed in every member under the same label). The blob is ciphertext.
 */
export function wrapTransport(cloningKeyLabel: string): ReplicationTransport {
  return {
    kind: "aes-key-wrap",
    needsReplicableSource: true,
    async check(members) {
      for (const m of members) {
        try {
          const mechs = await m.client.mechanisms(m.token);
          const kwp = mechs.find((x) => x.name === "CKM_AES_KEY_WRAP_PAD");
          if (!kwp?.flags.wrap || !kwp.flags.unwrap) {
            return `Member "${m.name}" does not offer AES key wrap (CKM_AES_KEY_WRAP_PAD) to this client, so keys cannot be copied between members. For lab appliances use their cloning operation; for SafeNet Luna use the Luna client's HA group.`;
          }
          if (!(await m.client.connection.call("hasCloningKey", { token: m.token, cloningKeyLabel }))) {
            return `Member "${m.name}" has no cloning-domain key "${cloningKeyLabel}". The security officer of each member must install the same trusted key before HA can be enabled.`;
          }
        } catch (error) {
          return `Member "${m.name}" could not be checked: ${toAppError(error).message}`;
        }
      }
      return undefined;
    },
    custody(members) {
      return Promise.all(
        members.map(async (m) => {
          const { unwrapTemplateEnforced } = await m.client.connection.call("probeCustody", {
            token: m.token,
            cloningKeyLabel,
          });
          return unwrapTemplateEnforced
            ? {
                member: m.name,
                cloneable: false,
                reason:
                  "The cloning-domain key refused to unwrap into a non-sensitive key (CKA_UNWRAP_TEMPLATE enforced).",
              }
            : {
                member: m.name,
                cloneable: true,
                reason:
                  "The cloning-domain key unwrapped a test key as non-sensitive: its CKA_UNWRAP_TEMPLATE is missing or not enforced by this token.",
              };
        }),
      );
    },
    async exportKey(source, idHex) {
      const blob = await source.client.connection.call("exportReplica", {
        token: source.token,
        idHex,
        cloningKeyLabel,
      });
      return { idHex, label: blob.label, payload: blob };
    },
    async importKey(target, blob) {
      await target.client.connection.call("importReplica", {
        token: target.token,
        blob: blob.payload as ReplicaBlob,
        cloningKeyLabel,
      });
    },
  };
}

/** How the console reaches a lab appliance's clone API (mTLS, partition credentials). */
export interface CloneEndpoint {
  host: string;
  port: number;
  serverCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  partition: string;
  password: string;
}

/** The lab's clone client (`server/ntls/clone-client.ts`), injected so this layer does not depend on it. */
export interface CloneApi {
  cloneExport(input: CloneEndpoint & { idHex: string }): Promise<{ blob: string | Uint8Array }>;
  cloneImport(input: CloneEndpoint & { blob: string | Uint8Array }): Promise<unknown>;
}

/**
 * Replication through the appliances' own cloning operation (HSM-to-HSM, as Luna does): the source
 * wraps the key under its cloning-domain key and hands over an opaque blob; the console relays it.
 */
export function cloneTransport(
  api: CloneApi,
  endpointOf: (member: HaMember) => CloneEndpoint,
): ReplicationTransport {
  return {
    kind: "appliance-clone",
    // The appliance wraps under its cloning-domain key inside the HSM, which (as in SoftHSM and
    // Luna) needs the source generated CKA_EXTRACTABLE + CKA_WRAP_WITH_TRUSTED (lab/appliance/clone.ts).
    needsReplicableSource: true,
    async check(members) {
      for (const m of members) {
        try {
          endpointOf(m);
        } catch (error) {
          return `Member "${m.name}" has no clone endpoint: ${toAppError(error).message}`;
        }
      }
      return undefined;
    },
    // The appliance clones inside itself: its domain key is never an object of a client's
    // partition (lab/test/custody.test.ts attacks it), so nothing a partition user calls can use it.
    async custody(members) {
      return members.map((m) => ({
        member: m.name,
        cloneable: false,
        reason:
          "The appliance clones inside itself; its cloning-domain key is not in the client's partition.",
      }));
    },
    async exportKey(source, idHex) {
      const [key] = await source.client.findKeys(source.token, { idHex });
      if (!key) throw new AppError("HSM_OBJECT_NOT_FOUND", `Key ${idHex} is not on "${source.name}".`);
      const { blob } = await api.cloneExport({ ...endpointOf(source), idHex });
      return { idHex, label: key.label, payload: blob };
    },
    async importKey(target, blob) {
      await api.cloneImport({ ...endpointOf(target), blob: blob.payload as string | Uint8Array });
    },
  };
}
