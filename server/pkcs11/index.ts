/**
 * The PKCS#11 layer's public API (services import only this file). Every operation returns plain
 * data; tokens are identified by label + serial, keys by CKA_ID (hex) + label; no handles, no slot ids.
 * PKCS#11 work runs in one supervised worker process per module connection (see README.md).
 */
import { Pkcs11Client } from "./client";
import type { ConnectionSpec } from "./connection-spec";
import { getConnection } from "./manager";

export { type KeySigner, Pkcs11Client, type TestKeyResult, testKey } from "./client";
export { type CallOptions, HsmConnection } from "./connection";
export type { ConnectionSpec } from "./connection-spec";
export { CKR_TABLE, ckrOf, toAppError } from "./errors";
export { offeredKeySpecs } from "./formats";
export { HaGroup, type HaGroupOptions } from "./ha";
export { assertCustody, CLONEABLE_MEANING, type MemberCustody } from "./ha-custody";
export {
  type CloneApi,
  type CloneEndpoint,
  cloneTransport,
  type HaMember,
  type ReplicationBlob,
  type ReplicationTransport,
  wrapTransport,
} from "./ha-transports";
export type { MemberHealth, ReplicationReport } from "./ha-types";
export {
  closeAllConnections,
  closeConnection,
  closeGroupConnections,
  getConnection,
  listConnections,
} from "./manager";
export { emitPkcs11Event, onPkcs11Event, type Pkcs11Event, type Pkcs11Listener } from "./observer";
export { createSoftHsmEnvironment, initSoftHsmToken, SOFTHSM_LIBRARY } from "./softhsm";
export * from "./types";
export { onToken, type Pkcs11UriInput, parsePkcs11Uri, pkcs11Uri } from "./uri";
export { P11_KIT_CLIENT } from "./worker-process";
export {
  type CertificateInput,
  type CertificateResult,
  type CsrInput,
  createCsr,
  createSelfSignedCertificate,
} from "./x509";

/** The client of the (cached, supervised) connection described by `spec`. */
export function pkcs11(spec: ConnectionSpec): Pkcs11Client {
  return new Pkcs11Client(getConnection(spec));
}
