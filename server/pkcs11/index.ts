/**
 * The PKCS#11 layer's public API (services import only this file). Every operation returns plain
 * data; tokens are identified by label + serial, keys by CKA_ID (hex) + label; no handles, no slot ids.
 * PKCS#11 work runs in one supervised worker process per module connection (see README.md).
 */
import { Pkcs11Client } from "./client";
import type { ConnectionSpec } from "./connection";
import { getConnection } from "./manager";

export { Pkcs11Client, testKey, type KeySigner, type TestKeyResult } from "./client";
export {
  HsmConnection,
  P11_KIT_CLIENT,
  workerEntryPath,
  type CallOptions,
  type ConnectionSpec,
} from "./connection";
export { CKR_TABLE, ckrOf, toAppError } from "./errors";
export { offeredKeySpecs } from "./formats";
export {
  type CloneApi,
  type CloneEndpoint,
  cloneTransport,
  HaGroup,
  type HaGroupOptions,
  type HaMember,
  type MemberHealth,
  type ReplicationBlob,
  type ReplicationReport,
  type ReplicationTransport,
  wrapTransport,
} from "./ha";
export { closeAllConnections, closeConnection, getConnection, listConnections } from "./manager";
export { createSoftHsmEnvironment, initSoftHsmToken, SOFTHSM_LIBRARY } from "./softhsm";
export { parsePkcs11Uri, pkcs11Uri, type Pkcs11UriInput } from "./uri";
export {
  createCsr,
  createSelfSignedCertificate,
  type CertificateInput,
  type CertificateResult,
  type CsrInput,
} from "./x509";
export * from "./types";

/** The client of the (cached, supervised) connection described by `spec`. */
export function pkcs11(spec: ConnectionSpec): Pkcs11Client {
  return new Pkcs11Client(getConnection(spec));
}
