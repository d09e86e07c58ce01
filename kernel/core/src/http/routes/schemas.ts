/** JSON schemas shared by kernel routes (and listed in the OpenAPI document). */
export const errorResponse = {
  type: "object",
  description: "Every error: a stable code, a message for people, and the request id to quote.",
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "request_id"],
      properties: {
        code: { type: "string" },
        message: { type: "string" },
        request_id: { type: "string" },
        details: { type: "object", additionalProperties: true },
      },
    },
  },
} as const;

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
