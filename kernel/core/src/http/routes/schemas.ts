/** JSON schemas shared by kernel routes (and listed in the OpenAPI document). */
import { errorResponseSchema } from "@roa2web/plugin-sdk";

/** The one error shape (from the SDK, so kernel and plugins document it alike). */
export const errorResponse = errorResponseSchema;

/**
 * The error answers a route declares beyond those its declarations imply (401/403 from
 * its access, 400 from its input schemas, 429 from a rate limit: openapi-document.ts
 * adds those to the document).
 */
export function errorsAnswered(...statuses: number[]): Record<number, typeof errorResponse> {
  return Object.fromEntries(statuses.map((status) => [status, errorResponse]));
}

export const companySchema = {
  type: "object",
  required: ["id", "code", "name", "tax_id", "currency"],
  properties: {
    id: { type: "integer" },
    code: { type: "string" },
    name: { type: "string" },
    tax_id: { type: "string" },
    currency: { type: "string" },
  },
} as const;
