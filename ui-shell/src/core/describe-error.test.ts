import * as sdk from "@roa2web/plugin-sdk";
import { describe, expect, it } from "vitest";
import { errorMessages } from "../i18n/error-messages.js";
import { ApiError, retryAfterSeconds } from "./api-error.js";
import {
  describeError,
  describeFieldError,
  errorDetailLine,
  formatBytes,
  formatWait,
} from "./describe-error.js";
import { registerMessages } from "./i18n.js";

/** Every error class the SDK exports (they carry a static `code` and `statusCode`). */
const catalogue = Object.values(sdk).flatMap((value) => {
  const klass = value as { code?: unknown; statusCode?: unknown };
  return typeof value === "function" &&
    typeof klass.code === "string" &&
    typeof klass.statusCode === "number"
    ? [{ code: klass.code, status: klass.statusCode }]
    : [];
});

const apiError = (status: number, code: string, message = "server text", details?: unknown) =>
  new ApiError(status, code, message, "req-7", details);

describe("describeError: the SDK catalogue", () => {
  it("finds the catalogue's classes", () => {
    expect(catalogue.map((entry) => entry.code)).toEqual(
      expect.arrayContaining(["VALIDATION_FAILED", "FORBIDDEN", "INTERNAL", "TOO_MANY_REQUESTS"]),
    );
    expect(catalogue.length).toBeGreaterThanOrEqual(11);
  });

  it.each(catalogue)("has a Romanian and an English headline for $code", ({ code, status }) => {
    expect(errorMessages.ro).toHaveProperty(`error.code.${code}`);
    expect(errorMessages.en).toHaveProperty(`error.code.${code}`);
    const ro = describeError(apiError(status, code), "ro").headline;
    const en = describeError(apiError(status, code), "en").headline;
    expect(ro).toBe(errorMessages.ro[`error.code.${code}` as keyof typeof errorMessages.ro]);
    expect(en).toBe(errorMessages.en[`error.code.${code}` as keyof typeof errorMessages.en]);
    expect(ro).not.toBe(en);
  });

  it("keeps the Romanian texts' diacritics in comma-below form (ș ț, not ş ţ)", () => {
    const all = Object.values(errorMessages.ro).join(" ");
    expect(all).not.toMatch(/[şţŞŢ]/);
    expect(describeError(apiError(403, "FORBIDDEN"), "ro").headline).toBe(
      "Nu aveți dreptul să faceți asta.",
    );
  });

  it("has the same keys in both languages", () => {
    expect(Object.keys(errorMessages.en).sort()).toEqual(Object.keys(errorMessages.ro).sort());
  });
});

describe("describeError: details", () => {
  it("formats the size limit of a 413", () => {
    const error = apiError(413, "PAYLOAD_TOO_LARGE", "The file is larger than 20971520 bytes", {
      max_bytes: 20_971_520,
    });
    expect(describeError(error, "ro").headline).toBe("Fișierul este prea mare (maxim 20 MB).");
    expect(describeError(error, "en").headline).toBe("The file is too large (at most 20 MB).");
    expect(formatBytes(1_572_864, "ro")).toBe("1,5 MB");
  });

  it("names the accepted types of a 415", () => {
    const error = apiError(415, "UNSUPPORTED_MEDIA_TYPE", "Only JPEG…", {
      accepted: ["image/jpeg", "image/png", "application/pdf"],
    });
    expect(describeError(error, "ro").headline).toBe(
      "Tipul fișierului nu este acceptat. Se acceptă: JPEG, PNG, PDF.",
    );
  });

  it("names the field of a validation error, through the plugin's labels when it has them", () => {
    registerMessages({
      ro: { "testplugin.field.taxId": "Cod fiscal" },
      en: { "testplugin.field.taxId": "Tax ID" },
    });
    const schema = apiError(400, "VALIDATION_FAILED", "body.total must be number");
    expect(describeError(schema, "ro").headline).toBe("Câmpul „total” nu este completat corect.");
    const named = apiError(400, "VALIDATION_FAILED", "tax_id is not valid", { field: "tax_id" });
    expect(describeError(named, "ro", { plugin: "testplugin" }).headline).toBe(
      "Câmpul „Cod fiscal” nu este completat corect.",
    );
    expect(describeError(named, "en", { plugin: "testplugin" }).headline).toBe(
      "The field “Tax ID” is not filled in correctly.",
    );
    const prefixed = apiError(400, "VALIDATION_FAILED", "x", { field: "body.tax_id" });
    expect(describeError(prefixed, "ro", { plugin: "testplugin" }).headline).toContain(
      "„Cod fiscal”",
    );
    const query = apiError(400, "VALIDATION_FAILED", "querystring.page must be >= 1");
    expect(describeError(query, "en").headline).toContain("“page”");
    expect(describeError(apiError(400, "VALIDATION_FAILED", "bad"), "ro").headline).toBe(
      "Datele trimise nu sunt completate corect.",
    );
  });

  it("says how long to wait after a 429, from the details or Retry-After", () => {
    const login = apiError(429, "TOO_MANY_REQUESTS", "Too many sign-in attempts", {
      retry_after_seconds: 30,
    });
    expect(describeError(login, "ro").headline).toBe(
      "Prea multe încercări. Încercați din nou peste 30 de secunde.",
    );
    const header = new ApiError(429, "RATE_LIMITED", "slow down", undefined, undefined, 120);
    expect(describeError(header, "en").headline).toBe("Too many attempts. Try again in 2 minutes.");
    expect(formatWait(1, "ro")).toBe("peste 1 secundă");
    expect(retryAfterSeconds("7")).toBe(7);
    expect(retryAfterSeconds("Thu, 01 Jan 2026 00:01:00 GMT", Date.UTC(2026, 0, 1))).toBe(60);
    expect(retryAfterSeconds("soon")).toBeUndefined();
  });

  it("says that nothing was saved while the database is lost, and how long to wait", () => {
    // What a kernel that lost PostgreSQL answers a write (ADR 0034).
    const lost = apiError(503, "DATABASE_UNAVAILABLE", "The database cannot be reached", {
      retry_after_seconds: 5,
    });
    expect(describeError(lost, "ro").headline).toBe(
      "Baza de date nu poate fi contactată acum, așa că nu s-a salvat nimic. Rapoartele deja calculate se pot citi în continuare. Încercați din nou peste 5 secunde.",
    );
    expect(describeError(lost, "en").headline).toBe(
      "The database cannot be reached right now, so nothing was saved. Reports already computed can still be read. Try again in 5 seconds.",
    );
    expect(describeError(apiError(503, "DATABASE_UNAVAILABLE"), "en").headline).toBe(
      errorMessages.en["error.code.DATABASE_UNAVAILABLE"],
    );
  });

  it("does not say nothing was saved when the change's confirmation was lost", () => {
    // A COMMIT, or a change that commits by itself, sent before PostgreSQL stopped
    // answering (ADR 0039): it may have been saved.
    const unsure = apiError(503, "DATABASE_UNAVAILABLE", "may or may not have been saved", {
      retry_after_seconds: 5,
      saved: "unknown",
    });
    expect(describeError(unsure, "ro").headline).toBe(
      "Baza de date nu a mai răspuns înainte să confirme modificarea, așa că nu se știe dacă s-a salvat. Verificați înainte să încercați din nou.",
    );
    expect(describeError(unsure, "en").headline).toBe(
      "The database stopped answering before it confirmed the change, so it may or may not have been saved. Check before you try again.",
    );
  });

  it("tells a wrong password and a missing permission apart from other refusals", () => {
    const login = apiError(401, "UNAUTHORIZED", "Wrong user name or password", {
      reason: "invalid_credentials",
    });
    expect(describeError(login, "ro").headline).toBe("Utilizatorul sau parola nu sunt corecte.");
    const forbidden = apiError(403, "FORBIDDEN", "This needs the permission reports:export", {
      permission: "reports:export",
    });
    expect(describeError(forbidden, "ro").headline).toBe(
      "Nu aveți dreptul să faceți asta (lipsește dreptul reports:export).",
    );
  });

  it("keeps the server's message and the request id as the secondary detail", () => {
    const error = apiError(
      409,
      "CONFLICT",
      "Only a DRAFT receipt can be submitted (it is PENDING)",
    );
    const description = describeError(error, "ro");
    expect(description).toMatchObject({
      headline: errorMessages.ro["error.code.CONFLICT"],
      detail: "Only a DRAFT receipt can be submitted (it is PENDING)",
      requestId: "req-7",
      code: "CONFLICT",
      status: 409,
    });
    expect(errorDetailLine(description, "ro")).toBe(
      "Detalii: Only a DRAFT receipt can be submitted (it is PENDING) · Cod cerere: req-7",
    );
  });

  it("names a conflicting document's status in the user's words when the plugin has a label", () => {
    registerMessages({
      ro: { "statusplugin.status.APPROVED": "Aprobat" },
      en: { "statusplugin.status.APPROVED": "Approved" },
    });
    const error = apiError(409, "CONFLICT", "An APPROVED receipt cannot be edited", {
      status: "APPROVED",
    });
    expect(describeError(error, "ro", { plugin: "statusplugin" }).headline).toBe(
      "Operația nu este posibilă cât timp documentul este în starea aprobat.",
    );
    expect(describeError(error, "en", { plugin: "statusplugin" }).headline).toBe(
      "This is not possible while the document is approved.",
    );
    // No label (or no plugin): the status as the server sent it.
    expect(describeError(error, "en").headline).toBe(
      "This is not possible while the document is APPROVED.",
    );
  });

  it("shows a 500 as a server error with the request id for support", () => {
    const description = describeError(apiError(500, "INTERNAL", "Internal server error"), "ro");
    expect(description.headline).toBe("A apărut o eroare pe server.");
    expect(errorDetailLine(description, "ro")).toContain("Cod cerere: req-7");
  });

  it("describes a network failure without repeating the client's own English sentence", () => {
    const description = describeError(
      new ApiError(0, "NETWORK", "The server cannot be reached. Check the connection."),
      "ro",
    );
    expect(description.headline).toBe("Serverul nu poate fi contactat. Verificați conexiunea.");
    expect(description.detail).toBeUndefined();
  });
});

describe("describeError: fallbacks", () => {
  it("uses the code the status stands for when the code is unknown", () => {
    expect(describeError(apiError(503, "STARTING_SOMETHING"), "ro").headline).toBe(
      errorMessages.ro["error.code.SERVICE_UNAVAILABLE"],
    );
    expect(describeError(apiError(404, "HTTP_ERROR", "404 Not Found"), "en").headline).toBe(
      errorMessages.en["error.code.NOT_FOUND"],
    );
  });

  it("falls back to a generic sentence by status class", () => {
    expect(describeError(apiError(422, "DATA_ENTRY_OCR_PDF_EMPTY"), "ro").headline).toBe(
      "Cererea nu a putut fi îndeplinită.",
    );
    expect(describeError(apiError(502, "HTTP_ERROR", "502 Bad Gateway"), "en").headline).toBe(
      "Something went wrong on the server.",
    );
  });

  it("prefers the plugin's own text for its codes", () => {
    registerMessages({
      ro: { "testplugin.error.TESTPLUGIN_FULL": "Coada este plină ({status})." },
      en: { "testplugin.error.TESTPLUGIN_FULL": "The queue is full ({status})." },
    });
    const error = apiError(503, "TESTPLUGIN_FULL");
    expect(describeError(error, "ro", { plugin: "testplugin" }).headline).toBe(
      "Coada este plină (503).",
    );
    expect(describeError(error, "ro").headline).toBe(
      errorMessages.ro["error.code.SERVICE_UNAVAILABLE"],
    );
  });

  it("reads a catalogue error by the plugin code in its details.reason when the plugin has a text", () => {
    registerMessages({
      ro: { "testplugin.error.TESTPLUGIN_PDF_LOCKED": "PDF-ul are parolă." },
      en: { "testplugin.error.TESTPLUGIN_PDF_LOCKED": "The PDF has a password." },
    });
    const error = apiError(400, "BAD_REQUEST", "The PDF is protected", {
      reason: "TESTPLUGIN_PDF_LOCKED",
    });
    expect(describeError(error, "ro", { plugin: "testplugin" }).headline).toBe(
      "PDF-ul are parolă.",
    );
    expect(describeError(error, "ro").headline).toBe(errorMessages.ro["error.code.BAD_REQUEST"]);
    const other = apiError(400, "BAD_REQUEST", "x", { reason: "invalid" });
    expect(describeError(other, "en", { plugin: "testplugin" }).headline).toBe(
      errorMessages.en["error.code.BAD_REQUEST"],
    );
  });

  it("describes any other thrown value with a generic headline and its message as detail", () => {
    expect(describeError(new TypeError("x is undefined"), "en")).toEqual({
      headline: "Something did not work.",
      detail: "x is undefined",
      code: "UNKNOWN",
      status: 0,
    });
    expect(describeError(undefined, "ro").detail).toBeUndefined();
  });
});

describe("describeError: failures reported inside an answer", () => {
  registerMessages({
    ro: { "ocrtest.error.OCRTEST_TIMEOUT": "Citirea a durat prea mult." },
    en: { "ocrtest.error.OCRTEST_TIMEOUT": "Reading took too long." },
  });
  // An OCR job that ended `failed` with `{code, message}`: no HTTP status, but a code.
  const failed = Object.assign(new Error("OCR took longer than 60 s"), { code: "OCRTEST_TIMEOUT" });

  it("words a coded failure with the plugin's text, keeping the server's message as detail", () => {
    expect(describeError(failed, "ro", { plugin: "ocrtest" })).toEqual({
      headline: "Citirea a durat prea mult.",
      detail: "OCR took longer than 60 s",
      code: "OCRTEST_TIMEOUT",
      status: 0,
    });
    expect(describeError(failed, "en", { plugin: "ocrtest" }).headline).toBe(
      "Reading took too long.",
    );
    // A plain `{code, message}` object (a job's `error` as it came) reads the same.
    expect(
      describeError({ code: "OCRTEST_TIMEOUT", message: "slow" }, "ro", { plugin: "ocrtest" })
        .headline,
    ).toBe("Citirea a durat prea mult.");
  });

  it("uses the catalogue's text for a catalogue code, and the generic one for unknown codes", () => {
    const internal = Object.assign(new Error("engine crashed"), { code: "INTERNAL" });
    expect(describeError(internal, "ro").headline).toBe("A apărut o eroare pe server.");
    expect(describeError(failed, "ro").headline).toBe("Ceva nu a funcționat.");
    expect(describeError(failed, "ro").detail).toBe("OCR took longer than 60 s");
    // A DOMException's numeric code is not an error code.
    const aborted = new DOMException("The operation was aborted.", "AbortError");
    expect(describeError(aborted, "en")).toMatchObject({
      headline: "Something did not work.",
      code: "UNKNOWN",
    });
  });
});

describe("describeFieldError", () => {
  registerMessages({
    ro: { "formtest.field.title": "Titlu", "formtest.field.taxId": "Cod fiscal" },
    en: { "formtest.field.title": "Title", "formtest.field.taxId": "Tax id" },
  });
  const FIELDS = ["title", "body", "tax_id"] as const;
  const invalid = (message: string, details?: unknown) =>
    new ApiError(400, "VALIDATION_FAILED", message, "req-9", details);

  it("finds the field the schema's message starts with, and words it in the user's language", () => {
    const described = describeFieldError(invalid("body.title must not be blank"), FIELDS, "ro", {
      plugin: "formtest",
    });
    expect(described).toEqual({
      field: "title",
      headline: "Câmpul „Titlu” nu este completat corect.",
      detail: "body.title must not be blank",
      requestId: "req-9",
      code: "VALIDATION_FAILED",
      status: 400,
    });
    expect(errorDetailLine(described as NonNullable<typeof described>, "ro")).toBe(
      "Detalii: body.title must not be blank · Cod cerere: req-9",
    );
  });

  it("finds the field the plugin's own check names in details.field, with or without body.", () => {
    const error = invalid("the tax id fails its check digit", { field: "body.tax_id" });
    expect(describeFieldError(error, FIELDS, "en", { plugin: "formtest" })).toMatchObject({
      field: "tax_id",
      headline: "The field “Tax id” is not filled in correctly.",
    });
    expect(describeFieldError(invalid("too long", { field: "body" }), FIELDS, "en")?.field).toBe(
      "body",
    );
  });

  it("leaves everything else to a toast or a card", () => {
    // A field the form does not have.
    expect(describeFieldError(invalid("body.company_id is required"), FIELDS)).toBeUndefined();
    // No field named at all.
    expect(describeFieldError(invalid("body must be object"), FIELDS)).toBeUndefined();
    // Another code, even when the message starts like a field's.
    const conflict = new ApiError(409, "CONFLICT", "body.title is frozen", "req-1");
    expect(describeFieldError(conflict, FIELDS)).toBeUndefined();
    // Not a failed call.
    expect(describeFieldError(new Error("body.title must not be blank"), FIELDS)).toBeUndefined();
    expect(describeFieldError(undefined, FIELDS)).toBeUndefined();
  });
});
