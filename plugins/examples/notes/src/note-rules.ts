/** The rules for a new note, and how a note looks on the wire. */
import { ValidationError } from "@roa2web/plugin-sdk";
import type { Note } from "./note-entity.js";
import { BODY_MAX_LENGTH, TITLE_MAX_LENGTH } from "./note-limits.js";
import type { NewNoteBody, NoteView } from "./schemas.js";

export { BODY_MAX_LENGTH, TITLE_MAX_LENGTH };

export interface NewNote {
  companyId: number;
  title: string;
  body: string;
}

/**
 * Tidies a new note: the title on one line with single spaces, no trailing space in
 * the body. A title of spaces only passes the JSON schema's length check, so it is
 * refused here.
 */
export function normaliseNewNote(input: NewNoteBody): NewNote {
  const title = input.title.replace(/\s+/g, " ").trim();
  if (title === "") {
    throw new ValidationError("body.title must not be blank", { details: { field: "title" } });
  }
  if (title.length > TITLE_MAX_LENGTH) {
    throw new ValidationError(`body.title must be at most ${TITLE_MAX_LENGTH} characters`, {
      details: { field: "title" },
    });
  }
  const body = (input.body ?? "").trimEnd();
  if (body.length > BODY_MAX_LENGTH) {
    throw new ValidationError(`body.body must be at most ${BODY_MAX_LENGTH} characters`, {
      details: { field: "body" },
    });
  }
  return { companyId: input.company_id, title, body };
}

export function toNoteView(note: Note): NoteView {
  return {
    id: note.id,
    company_id: note.companyId,
    title: note.title,
    body: note.body,
    created_by: note.createdBy,
    created_at: note.createdAt.toISOString(),
  };
}
