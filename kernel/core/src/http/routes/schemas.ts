/** JSON schemas shared by kernel routes (and listed in the OpenAPI document). */
import { errorResponseSchema } from "@roa2web/plugin-sdk";

/** The one error shape (from the SDK, so kernel and plugins document it alike). */
export const errorResponse = errorResponseSchema;

export const errorResponses = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
  409: errorResponse,
  429: errorResponse,
  503: errorResponse,
} as const;

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
