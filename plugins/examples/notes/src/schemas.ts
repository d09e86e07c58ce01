/**
 * JSON schemas of the notes routes: Fastify validates requests and serialises answers
 * with them, and the kernel's OpenAPI document (/api/docs) shows them.
 */
import {
  errorResponseSchema,
  MAX_PAGE_SIZE,
  multiLineText,
  singleLineText,
} from "@roa2web/plugin-sdk";
import { BODY_MAX_LENGTH, TITLE_MAX_LENGTH } from "./note-rules.js";

/** The kernel's error shape, for every error status a route documents. */
export const errorResponse = errorResponseSchema;

export const errorResponses = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
} as const;

export const noteSchema = {
  type: "object",
  required: ["id", "company_id", "title", "body", "created_by", "created_at"],
  properties: {
    id: { type: "integer" },
    company_id: { type: "integer" },
    title: { type: "string" },
    body: { type: "string" },
    created_by: { type: "string", description: "User name of the author" },
    created_at: { type: "string", format: "date-time" },
  },
} as const;

export const notePageSchema = {
  type: "object",
  required: ["items", "total", "page", "page_size", "pages"],
  properties: {
    items: { type: "array", items: noteSchema },
    total: { type: "integer", description: "Notes of the company, on every page" },
    page: { type: "integer" },
    page_size: { type: "integer" },
    pages: { type: "integer" },
  },
} as const;

export const listQuerySchema = {
  type: "object",
  required: ["company"],
  additionalProperties: false,
  properties: {
    company: { type: "integer", minimum: 1 },
    page: { type: "integer", minimum: 1, maximum: 1_000_000 },
    page_size: { type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE },
  },
} as const;

export const newNoteSchema = {
  type: "object",
  required: ["company_id", "title"],
  additionalProperties: false,
  properties: {
    company_id: { type: "integer", minimum: 1 },
    title: singleLineText({ minLength: 1, maxLength: TITLE_MAX_LENGTH }),
    body: multiLineText({ maxLength: BODY_MAX_LENGTH }),
  },
} as const;

export const noteIdSchema = {
  type: "object",
  required: ["id"],
  additionalProperties: false,
  properties: { id: { type: "integer", minimum: 1 } },
} as const;

// One schema per route. `tags` and `summary` feed the OpenAPI document; they are kept
// out of the route literals because the SDK's Fastify types do not declare them (only
// @fastify/swagger, a kernel dependency, does).

export const listNotesSchema = {
  tags: ["notes"],
  summary: "One page of a company's notes, newest first",
  querystring: listQuerySchema,
  response: { 200: notePageSchema, ...errorResponses },
};

export const createNoteSchema = {
  tags: ["notes"],
  summary: "Write a note for a company",
  body: newNoteSchema,
  response: { 201: noteSchema, ...errorResponses },
};

export const getNoteSchema = {
  tags: ["notes"],
  summary: "One note",
  params: noteIdSchema,
  response: { 200: noteSchema, ...errorResponses },
};

export const deleteNoteSchema = {
  tags: ["notes"],
  summary: "Delete a note",
  params: noteIdSchema,
  response: { 204: { type: "null", description: "Deleted" }, ...errorResponses },
};
