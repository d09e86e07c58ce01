/**
 * What the OpenAPI document says beyond the schemas a route declares. Per route (the
 * `transform`): who may call it and the errors that follow from its declarations — no
 * lock on a public route, 401 where a token is needed, 403 where a permission is, 429
 * where a rate limit is, 400/413/415 where a body is read, 400 where parameters are, 404
 * where a path names something. For the whole document (the `transformObject`): the shared
 * shapes named in `components.schemas` (the error answer, a list page's pager), the files
 * a `format=xlsx|pdf` parameter turns the answer into, and request bodies that may be
 * left out. Only the document changes: Fastify validates and serializes with the route's
 * own schema.
 */

import type { SwaggerTransform, SwaggerTransformObject } from "@fastify/swagger";
import { errorResponseSchema, isRouteAccess, type RouteAccess } from "@roa2web/plugin-sdk";
import type { FastifySchema, RouteOptions } from "fastify";
import { documentMultipartBody, isSchema } from "./openapi-multipart.js";
import { markOptionalBodies } from "./openapi-optional-bodies.js";

type Schema = Record<string, unknown>;

/** What each error status means, as the document's response descriptions. */
export const ERROR_DESCRIPTIONS: Readonly<Record<string, string>> = {
  "400":
    "The request is not valid: the message (and `details.field`, `details.location`) names what",
  "401": "Not signed in, or the token expired or was revoked",
  "403": "Signed in, but without the permission (or the company) this needs",
  "404": "Nothing with that id (or a company or plugin that is not there)",
  "409": "The resource's state does not allow it now",
  "413": "The body (or an uploaded file) is over the size limit",
  "415": "A body of a content type the route does not take (JSON routes: application/json)",
  "429": "Too many requests: wait for `Retry-After` seconds",
  "503": "A service it needs is not available now",
};

export const FILE_TYPES = {
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
} as const;

const ERROR_REF = { $ref: "#/components/schemas/Error" };
const PAGE_REF = { $ref: "#/components/schemas/PageInfo" };
const PAGE_FIELDS = ["total", "page", "page_size", "pages"] as const;

/** The pager every list route answers next to its `items` (the SDK's `Page`). */
export const pageInfoSchema = {
  type: "object",
  description: "Where a page sits in a list: every list route answers these next to `items`",
  required: [...PAGE_FIELDS],
  properties: {
    total: { type: "integer", description: "Items on every page together" },
    page: { type: "integer", description: "This page, from 1" },
    page_size: { type: "integer", description: "Items per page" },
    pages: { type: "integer", description: "How many pages there are" },
  },
} as const;

function accessOfRoute(route: Pick<RouteOptions, "config"> | undefined): RouteAccess | undefined {
  const access = (route?.config as { access?: unknown } | undefined)?.access;
  return isRouteAccess(access) ? access : undefined;
}

/** The error statuses a route can answer because of what it declares. */
export function derivedErrorStatuses(
  schema: Schema,
  route: Pick<RouteOptions, "config">,
): string[] {
  const statuses: string[] = [];
  const access = accessOfRoute(route);
  if (access !== undefined && access !== "public") statuses.push("401");
  if (access !== undefined && access !== "public" && access !== "authenticated") {
    statuses.push("403");
  }
  const readsBody = schema.body !== undefined || schema.multipartBody !== undefined;
  if (readsBody || schema.querystring !== undefined || schema.params !== undefined) {
    statuses.push("400");
  }
  if (schema.params !== undefined) statuses.push("404");
  if (readsBody) statuses.push("413", "415");
  if ((route.config as { rateLimit?: unknown } | undefined)?.rateLimit) statuses.push("429");
  return statuses;
}

/**
 * @fastify/swagger's `transform`: the upload form (openapi-multipart.ts), then no
 * `security` on a public route and the derived error answers added to those the route
 * declares (a route without response schemas is left as it is).
 */
export const documentRoute: SwaggerTransform = ({ schema, url, route }) => {
  const documented = documentMultipartBody({ schema, url });
  // Derived from the route's own schema: `multipartBody` is gone from the documented one.
  const own = (schema ?? {}) as Schema;
  const out = { ...(documented.schema as Schema) };
  if (accessOfRoute(route) === "public") out.security = [];
  if (isSchema(out.response)) {
    const response: Schema = { ...out.response };
    for (const status of derivedErrorStatuses(own, route)) {
      if (!(status in response)) response[status] = errorResponseSchema;
    }
    out.response = response;
  }
  return { schema: out as FastifySchema, url: documented.url };
};

function sameShape(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The error schema as @fastify/swagger writes it into a response (unchanged, or with a
 * `description` of why the route gives that answer).
 */
function isErrorSchema(schema: unknown): boolean {
  if (!isSchema(schema)) return false;
  const { description: _why, ...shape } = schema;
  const { description: _general, ...error } = errorResponseSchema as Schema;
  return sameShape(shape, error);
}

/** `{items, total, page, page_size, pages}`: a list page. */
function pageParts(schema: Schema): Schema | undefined {
  const properties = schema.properties;
  if (schema.type !== "object" || !isSchema(properties) || !isSchema(properties.items)) {
    return undefined;
  }
  if (!PAGE_FIELDS.every((field) => isSchema(properties[field]))) return undefined;
  const rest = Object.fromEntries(
    Object.entries(properties).filter(([key]) => !(PAGE_FIELDS as readonly string[]).includes(key)),
  );
  const required = Array.isArray(schema.required)
    ? schema.required.filter((key) => !(PAGE_FIELDS as readonly string[]).includes(key))
    : [];
  return {
    allOf: [
      PAGE_REF,
      { type: "object", ...(required.length > 0 ? { required } : {}), properties: rest },
    ],
  };
}

function fileFormats(operation: Schema): string[] {
  const parameters = Array.isArray(operation.parameters) ? operation.parameters : [];
  const format = parameters.find(
    (parameter): parameter is Schema =>
      isSchema(parameter) && parameter.in === "query" && parameter.name === "format",
  );
  const values = isSchema(format?.schema) ? format.schema.enum : undefined;
  return Array.isArray(values) ? values.filter((value) => value in FILE_TYPES) : [];
}

function documentResponses(operation: Schema): void {
  const responses = operation.responses;
  if (!isSchema(responses)) return;
  for (const [status, answer] of Object.entries(responses)) {
    if (!isSchema(answer) || !isSchema(answer.content)) continue;
    const media = Object.values(answer.content).filter(isSchema);
    const error = media.find((entry) => isErrorSchema(entry.schema));
    if (error) {
      // Errors are JSON from the one error handler, whatever the route produces (an
      // event stream's route lists its own type). A route's own word on why it gives
      // this answer is kept as the answer's description.
      const own = isSchema(error.schema) ? error.schema.description : undefined;
      const why = own === (errorResponseSchema as Schema).description ? undefined : own;
      answer.content = { "application/json": { schema: ERROR_REF } };
      answer.description =
        typeof why === "string" ? why : (ERROR_DESCRIPTIONS[status] ?? answer.description);
      continue;
    }
    for (const entry of media) {
      const page = isSchema(entry.schema) ? pageParts(entry.schema) : undefined;
      if (page) entry.schema = page;
    }
  }
  // A `format` of xlsx or pdf turns the 200 answer into that file.
  const ok = responses["200"];
  const formats = fileFormats(operation);
  if (formats.length > 0 && isSchema(ok)) {
    const content = isSchema(ok.content) ? { ...ok.content } : {};
    for (const format of formats) {
      const type = FILE_TYPES[format as keyof typeof FILE_TYPES];
      content[type] ??= {
        schema: { type: "string", format: "binary", description: `The report as ${format}` },
      };
    }
    ok.content = content;
  }
}

/**
 * @fastify/swagger's `transformObject`: optional bodies (openapi-optional-bodies.ts),
 * then the named shared shapes and the file answers.
 */
export const documentObject: SwaggerTransformObject = (document) => {
  const openapiObject = markOptionalBodies(document) as Schema;
  if (!("openapiObject" in document)) return openapiObject;
  const components = isSchema(openapiObject.components) ? openapiObject.components : {};
  components.schemas = {
    ...(isSchema(components.schemas) ? components.schemas : {}),
    Error: errorResponseSchema,
    PageInfo: pageInfoSchema,
  };
  openapiObject.components = components;
  const paths = openapiObject.paths;
  if (isSchema(paths)) {
    for (const operations of Object.values(paths)) {
      if (!isSchema(operations)) continue;
      for (const operation of Object.values(operations)) {
        if (isSchema(operation)) documentResponses(operation);
      }
    }
  }
  return openapiObject;
};

/**
 * The docs page's Content-Security-Policy: @fastify/swagger-ui's, plus inline style
 * attributes, which swagger-ui sets while it renders (without them Chromium logs a
 * violation and parts of the page lose their layout). Scripts stay `'self'` only.
 */
export function docsPageCsp(header: string): string {
  return header.replace(/style-src ([^;]*);/, (_match, sources: string) =>
    sources.includes("'unsafe-inline'")
      ? `style-src ${sources};`
      : `style-src ${sources.trim()} 'unsafe-inline';`,
  );
}
