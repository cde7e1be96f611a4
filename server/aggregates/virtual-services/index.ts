/** The virtual services aggregate: VIP, ports, pool, certificate reference and SE group. */
export {
  certificateHsmGroupsOfSeGroup,
  seGroupsUsingCertificate,
  setVirtualServiceState,
  virtualServicesOfSeGroup,
} from "./by-se-group";
export { virtualServicesOnVip, virtualServicesUsingCertificates } from "./references";
export { virtualServiceStateCounts } from "./state-counts";
export {
  loadVirtualService,
  loadVirtualServiceWithNames,
  type VirtualServiceRow,
  type VirtualServiceWithNames,
  virtualServicesOf,
} from "./views";
export {
  deleteVirtualServiceRow,
  insertVirtualService,
  updateVirtualServiceSettings,
  type VirtualServiceSettings,
} from "./writes";
