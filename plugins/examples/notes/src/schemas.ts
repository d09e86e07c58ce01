/**
 * JSON schemas of the notes routes, written once with TypeBox: Fastify validates
 * requests and serialises answers with them, the kernel's OpenAPI document (/api/docs)
 * shows them, and `Static` derives the TypeScript types the code uses, so a shape and
 * its type cannot drift apart.
 */
import {
  errorResponses,
  multiLineText,
  pageQuery,
  pageSchema,
  type Static,
  singleLineText,
  Type,
} from "@roa2web/plugin-sdk";
import { BODY_MAX_LENGTH, TITLE_MAX_LENGTH } from "./note-limits.js";

/** A note as the API answers it. */
export const noteSchema = Type.Object({
  id: Type.Integer(),
  company_id: Type.Integer(),
  title: Type.String(),
  body: Type.String(),
  created_by: Type.String({ description: "User name of the author" }),
  created_at: Type.String({ format: "date-time" }),
});
export type NoteView = Static<typeof noteSchema>;

export const listQuerySchema = Type.Object(
  { company: Type.Integer({ minimum: 1 }), ...pageQuery() },
  { additionalProperties: false },
);

/** The body of `POST /api/notes`. */
export const newNoteSchema = Type.Object(
  {
    company_id: Type.Integer({ minimum: 1 }),
    title: singleLineText({ minLength: 1, maxLength: TITLE_MAX_LENGTH }),
    body: Type.Optional(multiLineText({ maxLength: BODY_MAX_LENGTH })),
  },
  { additionalProperties: false },
);
export type NewNoteBody = Static<typeof newNoteSchema>;

export const noteIdSchema = Type.Object(
  { id: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

// One schema per route. `tags` and `summary` feed the OpenAPI document; they are kept
// out of the route literals because the SDK's Fastify types do not declare them (only
// @fastify/swagger, a kernel dependency, does). 401 and 403 follow from each route's
// `config.access`, 400 from its input schemas: the kernel adds them to the document.

export const listNotesSchema = {
  tags: ["notes"],
  summary: "One page of a company's notes, newest first",
  querystring: listQuerySchema,
  response: { 200: pageSchema(noteSchema), ...errorResponses(400, 403) },
};

export const createNoteSchema = {
  tags: ["notes"],
  summary: "Write a note for a company",
  body: newNoteSchema,
  response: { 201: noteSchema, ...errorResponses(400, 403) },
};

export const getNoteSchema = {
  tags: ["notes"],
  summary: "One note",
  params: noteIdSchema,
  response: { 200: noteSchema, ...errorResponses(404) },
};

export const deleteNoteSchema = {
  tags: ["notes"],
  summary: "Delete a note",
  params: noteIdSchema,
  response: { 204: Type.Null({ description: "Deleted" }), ...errorResponses(404) },
};
