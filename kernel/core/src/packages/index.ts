/** Plugin packages (ADR 0023): one signed archive per plugin version, made, signed and opened here. */
export { PackageError, type PackageErrorCode, type PackageErrorDetails } from "./errors.js";
export {
  INDEX_FILE,
  PACKAGE_FORMAT,
  PACKAGE_SUFFIX,
  type PackageIndex,
  type PackagePlatform,
  type PackageSignature,
  packageFileName,
  SIGNATURE_FILE,
} from "./format.js";
export {
  generatePackageKeyPair,
  type PackageKeyPair,
  parseTrustedKey,
  type TrustedKey,
} from "./keys.js";
export {
  DEFAULT_MAX_PACKAGE_BYTES,
  DEFAULT_MAX_PACKAGE_FILES,
  type OpenedPackage,
  type OpenPackageOptions,
  openPackage,
} from "./open-package.js";
export { KERNEL_PROVIDED_PACKAGES, type PackPluginOptions, packPlugin } from "./pack-plugin.js";
export { signPackage } from "./sign-package.js";
