import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { DAMAGED_ATTACHMENT } from "./attachment-content.js";
import { FileAttachmentStorage } from "./attachment-file-storage.js";
import { readUpload, type UploadStream } from "./attachment-storage.js";
import { pdf } from "./test/pdf-files.js";

const PNG = await sharp({
  create: { width: 16, height: 12, channels: 3, background: { r: 200, g: 120, b: 40 } },
})
  .png()
  .toBuffer();
// Noise: the compressed picture fills the file, so a cut in half cuts the picture.
const JPEG = await sharp({
  create: {
    width: 64,
    height: 48,
    channels: 3,
    background: { r: 20, g: 120, b: 240 },
    noise: { type: "gaussian", mean: 128, sigma: 40 },
  },
})
  .jpeg()
  .toBuffer();
const middle = Math.floor(JPEG.length / 2);
const PDF = await pdf((document) => {
  document.text("Bon fiscal 12,50 RON", 60, 60);
});
let dir = "";
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The folder storage, with `save` as an upload whose row was recorded. */
function storage() {
  dir = mkdtempSync(path.join(os.tmpdir(), "data-entry-storage-"));
  const files = new FileAttachmentStorage(path.join(dir, "attachments"));
  return Object.assign(files, {
    async save(upload: UploadStream, maxBytes: number) {
      const received = await files.receive(upload, maxBytes);
      await received.finish(true);
      return received;
    },
  });
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

  it("removes the file again when its row is not recorded", async () => {
    const store = storage();
    const received = await store.receive(chunks(PNG), 1024);
    expect(readdirSync(store.directory)).toEqual([received.storedName]);
    await received.finish(false);
    expect(readdirSync(store.directory)).toEqual([]);
  });

  it("keeps a file only if it really is what its first bytes say (400 otherwise)", async () => {
    const store = storage();
    expect((await store.save(chunks(JPEG, 500), 100_000)).mime).toBe("image/jpeg");
    expect((await store.save(chunks(PDF, 500), 100_000)).mime).toBe("application/pdf");
    const kept = readdirSync(store.directory).sort();
    const damaged: Array<[string, Buffer]> = [
      ["three JPEG bytes", Buffer.from([0xff, 0xd8, 0xff])],
      ["a JPEG header and noise", Buffer.concat([JPEG.subarray(0, 20), Buffer.alloc(600, 7)])],
      ["a JPEG cut in half", JPEG.subarray(0, middle)],
      ["a PNG cut short", PNG.subarray(0, PNG.length - 20)],
      ["a PNG signature and noise", Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(100, 1)])],
      ["a PDF header and a trailer only", Buffer.from("%PDF-1.4\n%%EOF\n")],
      ["a PDF cut short", PDF.subarray(0, PDF.length - 200)],
    ];
    for (const [what, content] of damaged) {
      await expect(store.save(chunks(content, 500), 100_000), what).rejects.toMatchObject({
        statusCode: 400,
        code: "BAD_REQUEST",
        details: { reason: DAMAGED_ATTACHMENT },
      });
    }
    expect(readdirSync(store.directory).sort()).toEqual(kept);
  });

  it("sweeps what a crash left: temporaries and files without a row, older than the start", async () => {
    const store = storage();
    const recorded = await store.save(chunks(PNG), 1024);
    const orphan = await store.save(chunks(PNG), 1024);
    const young = await store.save(chunks(PNG), 1024);
    const temporary = path.join(store.directory, ".upload-5b0c1c9e-8d3e-4c59-9a43-0c1f5b1f7e11");
    writeFileSync(temporary, PNG.subarray(0, 10));
    writeFileSync(path.join(store.directory, "notes.txt"), "not ours");
    const start = new Date();
    const before = new Date(start.getTime() - 60_000);
    for (const name of [recorded.storedName, orphan.storedName, path.basename(temporary)]) {
      utimesSync(path.join(store.directory, name), before, before);
    }
    const later = new Date(start.getTime() + 60_000);
    utimesSync(path.join(store.directory, young.storedName), later, later);
    const removed = await store.sweep(async () => new Set([recorded.storedName]), start);
    expect(removed).toEqual({ temporaries: 1, orphans: 1 });
    // The young file may belong to an upload still running in this process.
    expect(readdirSync(store.directory).sort()).toEqual(
      [recorded.storedName, young.storedName, "notes.txt"].sort(),
    );
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
