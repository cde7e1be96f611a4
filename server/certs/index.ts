export {
  type CertificateSummary,
  type DecodedCertificate,
  decodeCertificates,
  parseCertificatePem,
  summarizeCertificate,
} from "./certificate";
export { type CsrSummary, certificateMatchesPublicKey, parseCsrPem } from "./csr";
export { daysUntil, EXPIRING_WITHIN_DAYS, type ExpiryStatus, expiryStatus } from "./expiry";
export type { KeyInfo } from "./key-info";
export type { NameSummary } from "./names";
export { type ParsedPkcs12, type ParsePkcs12Input, parsePkcs12 } from "./pkcs12";
export {
  MAX_RSA_BITS,
  MIN_RSA_BITS,
  type ParsedPrivateKey,
  type ParsePrivateKeyInput,
  parsePrivateKey,
} from "./private-key";
export { parseServerCertificate } from "./server-certificate";
export {
  type Finding,
  type ValidateImportInput,
  type ValidateImportResult,
  validateImport,
} from "./validate-import";
