import { describe, expect, it } from "vitest";
import type { Note } from "./note-entity.js";
import { BODY_MAX_LENGTH, normaliseNewNote, TITLE_MAX_LENGTH, toNoteView } from "./note-rules.js";

describe("normaliseNewNote", () => {
  it("puts the title on one line with single spaces", () => {
    expect(
      normaliseNewNote({ company_id: 1, title: "  Call\n the   bank ", body: "ask about fees" }),
    ).toEqual({
      companyId: 1,
      title: "Call the bank",
      body: "ask about fees",
    });
  });

  it("keeps the body's own lines but drops trailing space; no body is an empty one", () => {
    expect(normaliseNewNote({ company_id: 2, title: "t", body: "line 1\nline 2 \n\n" }).body).toBe(
      "line 1\nline 2",
    );
    expect(normaliseNewNote({ company_id: 2, title: "t" }).body).toBe("");
  });

  it("refuses a title of spaces only, naming the field", () => {
    expect(() => normaliseNewNote({ company_id: 1, title: " \t\n " })).toThrow(
      expect.objectContaining({
        code: "VALIDATION_FAILED",
        message: "body.title must not be blank",
        details: { field: "title" },
      }),
    );
  });

  it("refuses a title or body over the limits", () => {
    expect(() =>
      normaliseNewNote({ company_id: 1, title: "x".repeat(TITLE_MAX_LENGTH + 1) }),
    ).toThrow("body.title");
    expect(() =>
      normaliseNewNote({ company_id: 1, title: "t", body: "x".repeat(BODY_MAX_LENGTH + 1) }),
    ).toThrow("body.body");
  });
});

describe("toNoteView", () => {
  it("answers snake_case fields and an ISO time", () => {
    const note: Note = {
      id: 7,
      companyId: 2,
      title: "Title",
      body: "Body",
      createdBy: "ana",
      createdAt: new Date("2026-01-02T03:04:05.678Z"),
    };
    expect(toNoteView(note)).toEqual({
      id: 7,
      company_id: 2,
      title: "Title",
      body: "Body",
      created_by: "ana",
      created_at: "2026-01-02T03:04:05.678Z",
    });
  });
});
