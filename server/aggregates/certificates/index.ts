/** The certificates aggregate: SSL/TLS certificates with their keys' place and key members. */

export { certificateExpiries } from "./expiry-list";
export {
  activeCertificateChoices,
  activeExpiryCounts,
  certificatePage,
  certificatesInGroup,
  certificatesOfGroup,
  creationsStaleSince,
  type ExpiryRange,
  type PageQuery,
  type SummaryRow,
  soonestExpiring,
} from "./list";
export {
  type CertificateRow,
  certificateIdNamed,
  certificatePemOf,
  certificatesByIds,
  certificateWithGroup,
  findCertificate,
  keySharedWithAnother,
  loadCertificate,
} from "./load";
export {
  type CertificateChanges,
  claimStaleCreation,
  deleteCertificateRow,
  failCreating,
  finishCreating,
  insertCertificate,
  markFailed,
  type NewCertificate,
  updateCertificate,
} from "./transitions";
