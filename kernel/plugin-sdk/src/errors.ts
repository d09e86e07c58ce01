/**
 * The one error catalogue shared by the kernel and every plugin. Throw these; the
 * kernel's error handler turns them into `{error: {code, message, request_id}}`.
 *
 * A brand symbol (not `instanceof`) identifies them, so an error thrown by a plugin
 * that bundles its own copy of the SDK is still recognised.
 */
const BRAND = Symbol.for("roa2web.error");

export interface RoaErrorOptions {
  /** Extra, client-safe facts (field names, limits). Never secrets or stack traces. */
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class RoaError extends Error {
  readonly [BRAND] = true;
  readonly code: string;
  readonly statusCode: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, statusCode: number, message: string, options: RoaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.statusCode = statusCode;
    this.details = options.details;
  }
}

export function isRoaError(value: unknown): value is RoaError {
  return (
    typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true
  );
}

function errorClass(name: string, code: string, statusCode: number, defaultMessage: string) {
  const ErrorClass = class extends RoaError {
    static readonly code = code;
    static readonly statusCode = statusCode;
    constructor(message: string = defaultMessage, options?: RoaErrorOptions) {
      super(code, statusCode, message, options);
      this.name = name;
    }
  };
  Object.defineProperty(ErrorClass, "name", { value: name });
  return ErrorClass;
}

export const BadRequestError = errorClass("BadRequestError", "BAD_REQUEST", 400, "Bad request");
export const ValidationError = errorClass(
  "ValidationError",
  "VALIDATION_FAILED",
  400,
  "The request is not valid",
);
export const UnauthorizedError = errorClass(
  "UnauthorizedError",
  "UNAUTHORIZED",
  401,
  "Authentication required",
);
export const ForbiddenError = errorClass(
  "ForbiddenError",
  "FORBIDDEN",
  403,
  "You do not have permission to do this",
);
export const NotFoundError = errorClass("NotFoundError", "NOT_FOUND", 404, "Not found");
export const ConflictError = errorClass(
  "ConflictError",
  "CONFLICT",
  409,
  "The request conflicts with the current state",
);
export const PayloadTooLargeError = errorClass(
  "PayloadTooLargeError",
  "PAYLOAD_TOO_LARGE",
  413,
  "The request body is too large",
);
export const UnsupportedMediaTypeError = errorClass(
  "UnsupportedMediaTypeError",
  "UNSUPPORTED_MEDIA_TYPE",
  415,
  "This media type is not supported",
);
export const TooManyRequestsError = errorClass(
  "TooManyRequestsError",
  "TOO_MANY_REQUESTS",
  429,
  "Too many requests",
);
export const ServiceUnavailableError = errorClass(
  "ServiceUnavailableError",
  "SERVICE_UNAVAILABLE",
  503,
  "The service is not available right now",
);
export const InternalError = errorClass("InternalError", "INTERNAL", 500, "Internal server error");
