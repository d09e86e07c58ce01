/**
 * How long a note's title and body may be. The server's rules and the web UI's form
 * both read these; the file imports nothing, so the UI can bundle it.
 */
export const TITLE_MAX_LENGTH = 200;
export const BODY_MAX_LENGTH = 10_000;
