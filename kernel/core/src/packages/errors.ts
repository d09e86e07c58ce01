/**
 * The package catalogue's one error: a stable code an installer or a script can act on,
 * and a message an operator can act on (which file, which key, what to do).
 */
export type PackageErrorCode =
  | "PACKAGE_MALFORMED"
  | "PACKAGE_TOO_LARGE"
  | "PACKAGE_UNSAFE_PATH"
  | "PACKAGE_HASH_MISMATCH"
  | "PACKAGE_UNLISTED_FILE"
  | "PACKAGE_MISSING_FILE"
  | "PACKAGE_UNSIGNED"
  | "PACKAGE_BAD_SIGNATURE"
  | "PACKAGE_UNTRUSTED_KEY"
  | "PACKAGE_NATIVE_MODULE"
  | "PACKAGE_BAD_MANIFEST"
  | "PACKAGE_BAD_KEY"
  | "PACKAGE_BUILD_FAILED";

export interface PackageErrorDetails {
  /** The file inside the package (relative to `package/`) the error is about. */
  file?: string;
  /** The signing key's id. */
  keyId?: string;
  /** The package's plugin name and version, when the index was read. */
  name?: string;
  version?: string;
}

export class PackageError extends Error {
  constructor(
    readonly code: PackageErrorCode,
    message: string,
    readonly details: PackageErrorDetails = {},
  ) {
    super(message);
    this.name = "PackageError";
  }
}
