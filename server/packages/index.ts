export {
  type HsmPackageReport,
  type InspectHsmPackageInput,
  inspectHsmPackage,
  type PackageMember,
} from "./inspect-package";
export { type HsmPackageType, PACKAGE_RULES } from "./package-rules";
export { DEFAULT_TAR_LIMITS, type TarLimits } from "./tar-limits";
export { type ByteSource, type ReadTarOptions, readTar, type TarMember, type TarSink } from "./tar-reader";
