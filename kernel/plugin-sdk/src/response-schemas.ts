/**
 * The schema pieces every plugin's routes repeat: the error answers a route declares,
 * one page of a list, and the page query. Built with TypeBox, so `Static` gives their
 * TypeScript types; they are plain JSON Schema all the same.
 */
import { type TSchema, Type } from "typebox";
import { MAX_PAGE_SIZE } from "./pagination.js";
import { errorResponseSchema } from "./routes.js";

/**
 * The error answers a route declares, by status, each with the one error shape:
 * `response: { 200: noteSchema, ...errorResponses(400, 403, 404) }`. The kernel adds
 * 401/403 from the route's access, 400 from its input schemas and 429 from a rate
 * limit to the OpenAPI document on its own; list them here too when the handler
 * throws them itself.
 */
export function errorResponses<const S extends number>(
  ...statuses: S[]
): { readonly [K in S]: typeof errorResponseSchema } {
  const responses: Record<number, typeof errorResponseSchema> = {};
  for (const status of statuses) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new TypeError(`errorResponses: ${status} is not an error status (400–599)`);
    }
    responses[status] = errorResponseSchema;
  }
  return responses as { readonly [K in S]: typeof errorResponseSchema };
}

/**
 * One page of a list, as `toPage` builds it: `{ items, total, page, page_size, pages }`;
 * `Static<typeof notePage>` is `Page<Note>`. The OpenAPI document refers the pager
 * fields to its shared `PageInfo` schema (with their descriptions), so they carry none.
 */
export function pageSchema<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    page_size: Type.Integer(),
    pages: Type.Integer(),
  });
}

/**
 * The page query of a list route, to spread into its querystring schema:
 * `Type.Object({ company: …, ...pageQuery() })`. Both are optional; the route picks
 * its defaults (and `pageWindow` checks the size against the same limit).
 */
export function pageQuery(maxPageSize: number = MAX_PAGE_SIZE) {
  return {
    page: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000, description: "1-based page" }),
    ),
    page_size: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: maxPageSize,
        description: `Items per page, 1–${maxPageSize}`,
      }),
    ),
  };
}
