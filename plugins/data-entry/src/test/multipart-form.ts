/**
 * A multipart/form-data body for `inject()`, as a browser sends an upload form: the
 * parts in the order given (data-entry reads `company_id` before `file`, so the order
 * is part of what a test says).
 */

/** `[name, value]` for a plain field; `[name, bytes, filename, type?]` for a file. */
export type FormPart = readonly [
  name: string,
  value: string | Buffer,
  filename?: string,
  type?: string,
];

export function multipartForm(
  parts: readonly FormPart[],
  boundary = "----roa2web-test-form",
): { payload: Buffer; headers: { "content-type": string } } {
  const chunks = parts.map(([name, value, filename, type]) =>
    Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"` +
          (filename === undefined ? "" : `; filename="${filename}"`) +
          (type === undefined ? "" : `\r\nContent-Type: ${type}`) +
          "\r\n\r\n",
      ),
      Buffer.isBuffer(value) ? value : Buffer.from(value),
      Buffer.from("\r\n"),
    ]),
  );
  return {
    payload: Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]),
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  };
}
