/** Service engines: real TLS terminators (nginx + PKCS#11 engine) using private keys held in HSMs. */
export { checkCandidate, checkKey, checkNginxConfig } from "./checks";
export { type EchoServer, startEchoServer } from "./echo-server";
export type { HealthOptions } from "./health";
export {
  encodePkcs11Value,
  type P11KitServer,
  type P11KitServerOptions,
  startP11KitServer,
} from "./hsm-access";
export { seLayout } from "./layout";
export { listenersHeldBy } from "./listener-owner";
export { type PortHolder, portHolder } from "./port-holder";
export { canBindLowPorts } from "./nginx-command";
export { type PresentedCertificate, type ProbeOptions, type ProbeResult, probeVirtualService } from "./probe";
export { type RunAs, resolveRunAs } from "./process";
export { removeSeUser, seUserFor, seUserName } from "./se-user";
export { engineKeyUri, renderNginxConfig, renderOpensslConf } from "./render-config";
export { Backoff } from "./backoff";
export { ServiceEngine } from "./service-engine";
export type { ApplyOutcome, ServiceEngineOptions } from "./service-engine-options";
export type * from "./types";
export { validateSpec } from "./validate";
