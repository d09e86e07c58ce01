import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { AttachmentStorage, readUpload } from "./attachment-storage.js";

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(100, 1),
]);
let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function storage() {
  dir = mkdtempSync(path.join(os.tmpdir(), "data-entry-storage-"));
  return AttachmentStorage.of(dir);
}

// Many small chunks, the way an upload arrives.
const chunks = (buffer: Buffer, size = 3) =>
  Readable.from(
    Array.from({ length: Math.ceil(buffer.length / size) }, (_, i) =>
      buffer.subarray(i * size, (i + 1) * size),
    ),
  );

describe("attachment storage", () => {
  it("stores a file under a server-chosen name with its size, type and hash", async () => {
    const store = storage();
    const stored = await store.save(chunks(PNG), 1024);
    expect(stored).toMatchObject({ mime: "image/png", size: PNG.length });
    expect(stored.storedName).toBe(`${stored.id}.png`);
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readdirSync(store.directory)).toEqual([stored.storedName]);
    expect(readFileSync(path.join(store.directory, stored.storedName))).toEqual(PNG);
  });

  it("leaves nothing behind when the content is not accepted or too large", async () => {
    const store = storage();
    await expect(
      store.save(chunks(Buffer.from("plain text, not a jpeg")), 1024),
    ).rejects.toMatchObject({
      statusCode: 415,
    });
    await expect(store.save(chunks(Buffer.from("ab")), 1024)).rejects.toMatchObject({
      statusCode: 415,
    });
    await expect(store.save(chunks(PNG), 50)).rejects.toMatchObject({ statusCode: 413 });
    const cut = Object.assign(chunks(PNG), { truncated: true });
    await expect(store.save(cut, 1024)).rejects.toMatchObject({ statusCode: 413 });
    expect(readdirSync(store.directory)).toEqual([]);
  });

  // A multipart body cut short can fail the upload stream before its first byte: the
  // temporary file must not appear after the clean-up has run.
  it("leaves nothing behind when the upload fails at once", async () => {
    const store = storage();
    for (let attempt = 0; attempt < 20; attempt++) {
      const failing = new Readable({
        read() {
          this.destroy(new Error("Unexpected end of form"));
        },
      });
      await expect(store.save(failing, 1024)).rejects.toThrow("Unexpected end of form");
    }
    // Give a background open the time to land, if one were still pending.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(readdirSync(store.directory)).toEqual([]);
  });
});

describe("readUpload", () => {
  it("returns the bytes and the type recognised from the content", async () => {
    const { bytes, mime } = await readUpload(chunks(PNG), 1000);
    expect(bytes.equals(PNG)).toBe(true);
    expect(mime).toBe("image/png");
  });

  it("refuses too many bytes (413), a stream the parser cut (413) and unknown content (415)", async () => {
    await expect(readUpload(chunks(PNG), 50)).rejects.toMatchObject({ statusCode: 413 });
    const cut = Object.assign(chunks(PNG), { truncated: true });
    await expect(readUpload(cut, 1000)).rejects.toMatchObject({ statusCode: 413 });
    await expect(readUpload(chunks(Buffer.from("plain text here")), 1000)).rejects.toMatchObject({
      statusCode: 415,
    });
  });
});
