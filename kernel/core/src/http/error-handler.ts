/**
 * The one place errors become HTTP answers: `{error: {code, message, request_id}}`.
 * Typed errors keep their code and status; validation errors say which field is
 * wrong without echoing schema internals; anything else is a 500 whose details go
 * to the log only.
 */

import { isRoaError } from "@roa2web/plugin-sdk";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { DatabaseWatch } from "../health/database-watch.js";
import { answerIfDatabaseLost } from "./database-gate.js";

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

export interface ErrorBody {
  error: { code: string; message: string; request_id: string; details?: Record<string, unknown> };
}

const CODES_BY_STATUS: Record<number, string> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  406: "NOT_ACCEPTABLE",
  408: "REQUEST_TIMEOUT",
  409: "CONFLICT",
  411: "LENGTH_REQUIRED",
  413: "PAYLOAD_TOO_LARGE",
  414: "URI_TOO_LONG",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "UNPROCESSABLE",
  429: "TOO_MANY_REQUESTS",
  503: "SERVICE_UNAVAILABLE",
};

export function describeValidation(
  issues: readonly ValidationIssue[],
  context: string | undefined,
): string {
  const first = issues[0];
  if (!first) return "The request is not valid";
  const base = [context ?? "request", ...first.instancePath.split("/").filter(Boolean)].join(".");
  switch (first.keyword) {
    case "required":
      return `${base}.${String(first.params.missingProperty)} is required`;
    case "additionalProperties":
      return `${base} must not have the property "${String(first.params.additionalProperty)}"`;
    case "pattern":
    case "format":
      return `${base} has an invalid format`;
    case "enum":
      return `${base} must be one of: ${(first.params.allowedValues as unknown[] | undefined)?.join(", ") ?? "the allowed values"}`;
    default:
      return `${base} ${first.message ?? "is not valid"}`;
  }
}

/**
 * The property a validation issue is about, as a path inside its location
 * (`text`, `lines.0.amount`), when it names one: clients show it next to the input.
 */
export function validationField(issues: readonly ValidationIssue[]): string | undefined {
  const first = issues[0];
  if (!first) return undefined;
  const path = first.instancePath.split("/").filter(Boolean);
  if (first.keyword === "required") path.push(String(first.params.missingProperty));
  else if (first.keyword === "additionalProperties") {
    path.push(String(first.params.additionalProperty));
  }
  return path.length > 0 ? path.join(".") : undefined;
}

const LOCATIONS = ["body", "querystring", "params", "headers"] as const;
type Location = (typeof LOCATIONS)[number];

function hasKey(value: unknown, key: string): boolean {
  return typeof value === "object" && value !== null && Object.hasOwn(value, key);
}

/**
 * Where the field a typed error names was sent, so that `details` has one shape
 * (`{field, location}`) whether the schema or the route's own rules refused it: the
 * location the message starts with (`querystring.period …`), else the part of the
 * request that carries the field's first segment, else the body for a request that
 * sends one (a multipart form's field) and the query string for one that does not.
 */
export function fieldLocation(
  request: Pick<FastifyRequest, "method" | "params" | "query" | "body">,
  field: string,
  message: string,
): Location {
  const named = LOCATIONS.find((location) => message.startsWith(`${location}.`));
  if (named) return named;
  const head = field.split(".")[0] ?? field;
  if (hasKey(request.params, head)) return "params";
  if (hasKey(request.query, head)) return "querystring";
  if (hasKey(request.body, head)) return "body";
  return request.method === "GET" || request.method === "HEAD" || request.method === "DELETE"
    ? "querystring"
    : "body";
}

/**
 * A typed error's details in the validation errors' shape: a `field` named with its
 * location (`body.company_id`) is split into `{field: "company_id", location: "body"}`,
 * and a `field` without a location gets one.
 */
export function typedErrorDetails(
  request: Pick<FastifyRequest, "method" | "params" | "query" | "body">,
  message: string,
  details: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  const field = details?.field;
  if (typeof field !== "string") return details;
  const prefixed = LOCATIONS.find((location) => field.startsWith(`${location}.`));
  if (prefixed) {
    return { ...details, field: field.slice(prefixed.length + 1), location: prefixed };
  }
  if (typeof details?.location === "string") return details;
  return { ...details, location: fieldLocation(request, field, message) };
}

export function errorBody(
  request: FastifyRequest,
  code: string,
  message: string,
  details?: Record<string, unknown>,
): ErrorBody {
  return {
    error: { code, message, request_id: String(request.id), ...(details ? { details } : {}) },
  };
}

/**
 * Fastify's "framework errors" (the router's, before any route or hook runs): a URL
 * that cannot be percent-decoded, or a path parameter over the router's length limit.
 * The URL is not echoed back.
 */
export function urlErrorBody(
  request: FastifyRequest,
  error: FastifyError,
): { status: number; body: ErrorBody } {
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH") {
    return {
      status: 414,
      body: errorBody(request, "URI_TOO_LONG", "A segment of the URL path is too long"),
    };
  }
  if (error.code === "FST_ERR_BAD_URL") {
    return {
      status: 400,
      body: errorBody(request, "BAD_URL", "The URL is not valid (malformed percent-encoding)"),
    };
  }
  request.log.error({ err: error }, "Router error while serving a request");
  return { status: 500, body: errorBody(request, "INTERNAL", "Internal server error") };
}

export function installErrorHandling(
  app: FastifyInstance,
  options: {
    notFound: (request: FastifyRequest, reply: FastifyReply) => unknown;
    /** On PostgreSQL: a lost connection answers 503 DATABASE_UNAVAILABLE, not 500. */
    databaseWatch?: DatabaseWatch;
  },
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (!isRoaError(error) || error.statusCode >= 500) {
      const lost = answerIfDatabaseLost(options.databaseWatch, error, reply);
      if (lost) {
        request.log.warn({ err: error }, "A request failed: the database connection is lost");
        return reply.status(503).send(errorBody(request, lost.code, lost.message, lost.details));
      }
    }
    if (isRoaError(error)) {
      if (error.statusCode >= 500)
        request.log.error({ err: error, cause: error.cause }, error.message);
      return reply
        .status(error.statusCode)
        .send(
          errorBody(
            request,
            error.code,
            error.message,
            typedErrorDetails(request, error.message, error.details),
          ),
        );
    }
    if (error.validation) {
      const issues = error.validation as ValidationIssue[];
      const field = validationField(issues);
      return reply
        .status(400)
        .send(
          errorBody(
            request,
            "VALIDATION_FAILED",
            describeValidation(issues, error.validationContext),
            field === undefined ? undefined : { field, location: error.validationContext },
          ),
        );
    }
    const status = error.statusCode ?? 500;
    if (error.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE") {
      const type = String(request.headers["content-type"] ?? "").slice(0, 100);
      return reply
        .status(415)
        .send(
          errorBody(
            request,
            "UNSUPPORTED_MEDIA_TYPE",
            `A "${type}" body is not accepted: send JSON (Content-Type: application/json), or multipart/form-data to an upload route`,
            { content_type: type },
          ),
        );
    }
    if (status >= 400 && status < 500) {
      // Fastify's and its plugins' own 4xx messages (bad JSON, body too large, wrong
      // content type) describe the request, not the server: safe to return.
      return reply
        .status(status)
        .send(errorBody(request, CODES_BY_STATUS[status] ?? "BAD_REQUEST", error.message));
    }
    request.log.error({ err: error }, "Unhandled error while serving a request");
    return reply.status(500).send(errorBody(request, "INTERNAL", "Internal server error"));
  });
  app.setNotFoundHandler(options.notFound);
}
