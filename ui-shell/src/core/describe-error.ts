/**
 * `describeError`: turns what a failed call threw (an ApiError, a network failure,
 * anything) into what a person reads, in their language. The server's own English
 * message stays available as a secondary detail, with the request id, for support.
 */
import { CODE_ALIASES, CODE_BY_STATUS, errorMessages } from "../i18n/error-messages.js";
import { ApiError } from "./api-error.js";
import { locale as currentLocale, fill, type Locale, lookupMessage } from "./i18n.js";

export interface ErrorDescription {
  /** The localized sentence to show (toast text, card paragraph, form error). */
  headline: string;
  /** The server's own message (usually English), for support; absent when it adds nothing. */
  detail?: string;
  /** Quote it to support: it finds the request in the server log. */
  requestId?: string;
  /** The error code (`FORBIDDEN`, `DATA_ENTRY_…`, `NETWORK`), or `UNKNOWN` for a non-API error. */
  code: string;
  /** HTTP status; 0 for a network failure or a non-API error. */
  status: number;
}

export interface DescribeOptions {
  /**
   * The plugin whose call failed: its catalogue is asked first for
   * `<plugin>.error.<CODE>` (its own codes, or a better text for a catalogue code)
   * and for `<plugin>.field.<field>` (the label of a field a validation error names).
   */
  plugin?: string;
}

type MessageKey = keyof (typeof errorMessages)["ro"];
type Params = Record<string, string | number>;

function text(language: Locale, key: MessageKey, params?: Params): string {
  return fill(errorMessages[language][key], params);
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** "20 MB", "512 KB": binary units, as the server's limits are set. */
export function formatBytes(bytes: number, language: Locale): string {
  const tag = language === "ro" ? "ro-RO" : "en-GB";
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const number = new Intl.NumberFormat(tag, { maximumFractionDigits: 1 }).format(value);
  return `${number} ${units[unit]}`;
}

/** "image/jpeg" → "JPEG", "application/pdf" → "PDF": how people name file types. */
export function fileTypeName(mime: string): string {
  const subtype = mime.split("/").pop() ?? mime;
  return subtype.replace(/^x-/, "").split(/[+.;]/)[0]?.toUpperCase() || mime;
}

/** "peste 30 de secunde" / "in 2 minutes": the wait Retry-After asks for. */
export function formatWait(seconds: number, language: Locale): string {
  const format = new Intl.RelativeTimeFormat(language === "ro" ? "ro-RO" : "en-GB", {
    numeric: "always",
  });
  if (seconds < 90) return format.format(Math.max(1, Math.ceil(seconds)), "second");
  if (seconds < 90 * 60) return format.format(Math.ceil(seconds / 60), "minute");
  return format.format(Math.ceil(seconds / 3600), "hour");
}

/** The field a validation error names: `details.field`, else `body.x` / `querystring.x` in the message. */
export function fieldOf(message: string, details: Record<string, unknown>): string | undefined {
  if (typeof details.field === "string" && details.field) {
    return details.field.replace(/^(?:body|querystring|params)\./, "");
  }
  return /\b(?:body|querystring|params)\.(\w+)/.exec(message)?.[1];
}

function camelCase(name: string): string {
  return name.replace(/_(\w)/g, (_whole, letter: string) => letter.toUpperCase());
}

function fieldLabel(field: string, language: Locale, plugin: string | undefined): string {
  if (!plugin) return field;
  return (
    lookupMessage(language, `${plugin}.field.${field}`) ??
    lookupMessage(language, `${plugin}.field.${camelCase(field)}`) ??
    field
  );
}

/** A document status in the user's words (`<plugin>.status.<STATUS>`), else as sent. */
function statusLabel(status: string, language: Locale, plugin: string | undefined): string {
  if (!plugin) return status;
  const label = lookupMessage(language, `${plugin}.status.${status}`);
  return label ? label.toLocaleLowerCase(language) : status;
}

function waitOf(error: ApiError, details: Record<string, unknown>): number | undefined {
  const fromDetails = details.retry_after_seconds;
  if (typeof fromDetails === "number" && fromDetails >= 0) return fromDetails;
  return error.retryAfterSeconds;
}

function isOffline(): boolean {
  return typeof navigator !== "undefined" && navigator.onLine === false;
}

/** "Try again", with how long to wait when the answer says. */
function retryable(
  code: string,
  error: ApiError,
  details: Record<string, unknown>,
  language: Locale,
): string {
  const wait = waitOf(error, details);
  return wait === undefined
    ? text(language, `error.code.${code}` as MessageKey)
    : text(language, `error.code.${code}.wait` as MessageKey, {
        wait: formatWait(wait, language),
      });
}

/** The headline for a catalogue code, using the details it carries; undefined for other codes. */
function catalogueHeadline(
  code: string,
  error: ApiError,
  language: Locale,
  plugin: string | undefined,
): string | undefined {
  const details = record(error.details);
  switch (code) {
    case "VALIDATION_FAILED": {
      const field = fieldOf(error.message, details);
      return field
        ? text(language, "error.code.VALIDATION_FAILED.field", {
            field: fieldLabel(field, language, plugin),
          })
        : text(language, "error.code.VALIDATION_FAILED");
    }
    case "UNAUTHORIZED":
      return details.reason === "invalid_credentials"
        ? text(language, "error.code.UNAUTHORIZED.credentials")
        : text(language, "error.code.UNAUTHORIZED");
    case "FORBIDDEN":
      return typeof details.permission === "string"
        ? text(language, "error.code.FORBIDDEN.permission", { permission: details.permission })
        : text(language, "error.code.FORBIDDEN");
    case "CONFLICT":
      return typeof details.status === "string"
        ? text(language, "error.code.CONFLICT.status", {
            status: statusLabel(details.status, language, plugin),
          })
        : text(language, "error.code.CONFLICT");
    case "PAYLOAD_TOO_LARGE":
      return typeof details.max_bytes === "number"
        ? text(language, "error.code.PAYLOAD_TOO_LARGE.max", {
            max: formatBytes(details.max_bytes, language),
          })
        : text(language, "error.code.PAYLOAD_TOO_LARGE");
    case "UNSUPPORTED_MEDIA_TYPE": {
      const accepted = Array.isArray(details.accepted)
        ? details.accepted.filter((type): type is string => typeof type === "string")
        : [];
      return accepted.length > 0
        ? text(language, "error.code.UNSUPPORTED_MEDIA_TYPE.accepted", {
            accepted: accepted.map(fileTypeName).join(", "),
          })
        : text(language, "error.code.UNSUPPORTED_MEDIA_TYPE");
    }
    case "DATABASE_UNAVAILABLE":
      // The COMMIT (or a change that commits by itself) lost its answer (ADR 0039): it
      // may have been saved, so "nothing was saved, try again" would be untrue.
      if (details.saved === "unknown")
        return text(language, "error.code.DATABASE_UNAVAILABLE.unsure");
      return retryable(code, error, details, language);
    case "TOO_MANY_REQUESTS":
    case "SERVICE_UNAVAILABLE":
      return retryable(code, error, details, language);
    case "NETWORK":
      return isOffline()
        ? text(language, "error.code.NETWORK.offline")
        : text(language, "error.code.NETWORK");
    default: {
      const key = `error.code.${code}`;
      return key in errorMessages[language] ? text(language, key as MessageKey) : undefined;
    }
  }
}

function statusHeadline(status: number, language: Locale): string {
  if (status >= 400 && status < 500) return text(language, "error.status.4xx");
  if (status >= 500) return text(language, "error.status.5xx");
  return text(language, "error.status.other");
}

/**
 * What to show for a failed call, in `language` (the user's, by default). Unknown
 * codes fall back to the code the HTTP status stands for, then to a generic sentence
 * by status class; the server's message is kept in `detail`.
 */
export function describeError(
  error: unknown,
  language: Locale = currentLocale(),
  options: DescribeOptions = {},
): ErrorDescription {
  if (!(error instanceof ApiError)) return describeOther(error, language, options);
  const code = CODE_ALIASES[error.code] ?? error.code;
  const params = { status: error.status };
  // A catalogue error whose `details.reason` is the plugin's own code (a 400 for a
  // password-protected PDF carries DATA_ENTRY_OCR_PDF_ENCRYPTED) reads as that code.
  const reason = record(error.details).reason;
  const headline =
    (options.plugin &&
      typeof reason === "string" &&
      lookupMessage(language, `${options.plugin}.error.${reason}`, params)) ||
    (options.plugin && lookupMessage(language, `${options.plugin}.error.${code}`, params)) ||
    catalogueHeadline(code, error, language, options.plugin) ||
    catalogueHeadline(CODE_BY_STATUS[error.status] ?? "", error, language, options.plugin) ||
    statusHeadline(error.status, language);
  // Our own English sentence for a network failure adds nothing for support.
  const detail = error.code === "NETWORK" ? undefined : error.message;
  return {
    headline,
    ...(detail ? { detail } : {}),
    ...(error.requestId ? { requestId: error.requestId } : {}),
    code: error.code,
    status: error.status,
  };
}

/**
 * Something other than a failed call: a thrown `Error`, or a failure the server
 * reported inside an answer (an OCR job's `{code, message}`). With a string `code`,
 * the plugin's `<plugin>.error.<CODE>` or the catalogue's text for it is the headline;
 * otherwise the generic "something did not work". The message stays as the detail.
 */
function describeOther(
  error: unknown,
  language: Locale,
  options: DescribeOptions,
): ErrorDescription {
  const fields = record(error);
  const message =
    typeof fields.message === "string"
      ? fields.message
      : error === undefined || error === null || typeof error === "object"
        ? ""
        : String(error);
  const code = typeof fields.code === "string" && fields.code ? fields.code : undefined;
  const catalogueKey = code && `error.code.${CODE_ALIASES[code] ?? code}`;
  const headline =
    (code && options.plugin && lookupMessage(language, `${options.plugin}.error.${code}`)) ||
    (catalogueKey && catalogueKey in errorMessages[language]
      ? text(language, catalogueKey as MessageKey)
      : text(language, "error.status.other"));
  return {
    headline,
    ...(message ? { detail: message } : {}),
    code: code ?? "UNKNOWN",
    status: 0,
  };
}

/** A validation error about one of a form's fields, described for a person. */
export interface FieldErrorDescription<Field extends string> extends ErrorDescription {
  /** The field to mark (`aria-invalid`) and to show `headline` and the detail line next to. */
  field: Field;
}

/**
 * When `error` is a VALIDATION_FAILED about one of `fields` (named in `details.field`
 * by the plugin's own checks, or at the start of the schema's message:
 * `body.title must not be blank`), that field with the error described in the
 * user's language; undefined for any other error, which belongs in a toast or a card.
 */
export function describeFieldError<Field extends string>(
  error: unknown,
  fields: readonly Field[],
  language: Locale = currentLocale(),
  options: DescribeOptions = {},
): FieldErrorDescription<Field> | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if ((CODE_ALIASES[error.code] ?? error.code) !== "VALIDATION_FAILED") return undefined;
  const named = fieldOf(error.message, record(error.details));
  const field = fields.find((candidate) => candidate === named);
  return field === undefined ? undefined : { ...describeError(error, language, options), field };
}

/** The secondary line: the server's message and the request id, in `language`. */
export function errorDetailLine(
  description: ErrorDescription,
  language: Locale = currentLocale(),
): string {
  return [
    description.detail ? text(language, "error.detail", { message: description.detail }) : "",
    description.requestId ? text(language, "error.requestId", { id: description.requestId }) : "",
  ]
    .filter(Boolean)
    .join(" · ");
}
