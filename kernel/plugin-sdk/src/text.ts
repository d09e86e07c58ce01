/**
 * JSON-schema strings for text a person types, refusing the characters that are never
 * typed but can mislead or break what shows the text: C0 and C1 controls (`\p{Cc}`,
 * which includes NUL and DEL), bidi overrides, embeddings and isolates (U+202A–202E,
 * U+2066–2069) and marks (U+200E/F), and lone surrogates (`\p{Cs}`, which cannot be
 * stored as UTF-8). A single line refuses line breaks and tabs too (they are C0); a
 * multi-line text keeps `\t`, `\n` and `\r`.
 *
 * The rule is a `pattern`, so Ajv (unicode mode, the `u` flag) enforces it in every
 * route's validation and the OpenAPI document shows it.
 */

const REFUSED = "\\p{Cc}\\p{Cs}\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069";

/** A single line: none of the refused characters. */
export const SINGLE_LINE_TEXT_PATTERN = `^[^${REFUSED}]*$`;
/** Several lines: tab, line feed and carriage return allowed, the rest refused. */
export const MULTI_LINE_TEXT_PATTERN = `^(?:[\\t\\n\\r]|[^${REFUSED}])*$`;

export interface TextOptions {
  minLength?: number;
  maxLength: number;
  description?: string;
}

function text<P extends string>(pattern: P, { minLength, maxLength, description }: TextOptions) {
  return {
    type: "string",
    ...(minLength === undefined ? {} : { minLength }),
    maxLength,
    pattern,
    ...(description === undefined ? {} : { description }),
  } as const;
}

/** A name, a title, a code typed by a person: one line, no control or bidi characters. */
export function singleLineText(options: TextOptions) {
  return text(SINGLE_LINE_TEXT_PATTERN, options);
}

/** A note, a reason, a body: line breaks and tabs allowed, other controls and bidi refused. */
export function multiLineText(options: TextOptions) {
  return text(MULTI_LINE_TEXT_PATTERN, options);
}
