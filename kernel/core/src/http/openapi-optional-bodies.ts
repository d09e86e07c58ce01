/**
 * @fastify/swagger marks every request body `required: true` (Fastify validates a body
 * whenever a route has a body schema). A route whose body schema also allows `null`
 * accepts a request with no body at all (logout and refresh take the browser's cookie
 * instead): the document says so, as `required: false`.
 */
import type { SwaggerTransformObject } from "@fastify/swagger";
import { isSchema } from "./openapi-multipart.js";

/** Whether every content type's schema of a request body accepts null. */
function acceptsNoBody(requestBody: Record<string, unknown>): boolean {
  const content = requestBody.content;
  if (!isSchema(content)) return false;
  const media = Object.values(content);
  return (
    media.length > 0 &&
    media.every(
      (entry) => isSchema(entry) && isSchema(entry.schema) && entry.schema.nullable === true,
    )
  );
}

/** @fastify/swagger's `transformObject`: optional request bodies are not required. */
export const markOptionalBodies: SwaggerTransformObject = (document) => {
  if (!("openapiObject" in document)) return document.swaggerObject;
  const { openapiObject } = document;
  const paths: unknown = openapiObject.paths;
  if (!isSchema(paths)) return openapiObject;
  for (const operations of Object.values(paths)) {
    if (!isSchema(operations)) continue;
    for (const operation of Object.values(operations)) {
      if (!isSchema(operation) || !isSchema(operation.requestBody)) continue;
      if (acceptsNoBody(operation.requestBody)) operation.requestBody.required = false;
    }
  }
  return openapiObject;
};
