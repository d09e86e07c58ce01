/**
 * Documents upload routes in the OpenAPI document. A `body` schema would make Fastify
 * validate `request.body`, which @fastify/multipart leaves undefined, and without one
 * @fastify/swagger drops `consumes`: so a route states its form in the schema keyword
 * `multipartBody` (the SDK's MultipartBodySchema), which Fastify never compiles, and
 * this transform turns it into the operation's multipart/form-data request body, next
 * to the JSON body of a route that takes either.
 */
import type { FastifySchema } from "fastify";

export const MULTIPART = "multipart/form-data";

type Schema = Record<string, unknown>;

export function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The route's `body` as per-content-type entries (`{"application/json": {schema}}`). */
function bodyContent(body: unknown, consumes: unknown): Schema {
  if (!isSchema(body)) return {};
  if (isSchema(body.content)) return { ...body.content };
  const types = Array.isArray(consumes)
    ? consumes.filter((type): type is string => typeof type === "string" && type !== MULTIPART)
    : [];
  const named = types.length > 0 ? types : ["application/json"];
  return Object.fromEntries(named.map((type) => [type, { schema: body }]));
}

/**
 * @fastify/swagger's `transform`: a schema with `multipartBody` gets a per-content-type
 * `body` for the document only (the route's own schema, which Fastify validates
 * with, is not changed); other schemas pass unchanged.
 */
export function documentMultipartBody({ schema, url }: { schema: FastifySchema; url: string }): {
  schema: FastifySchema;
  url: string;
} {
  const form = (schema as Schema | undefined)?.multipartBody;
  if (!isSchema(form)) return { schema, url };
  const { multipartBody: _form, consumes, body, ...rest } = schema as Schema;
  const content = {
    ...bodyContent(body, consumes),
    [MULTIPART]: { schema: { type: "object", ...form } },
  };
  return { schema: { ...rest, body: { content } } as FastifySchema, url };
}
