import { describe, expect, it } from "vitest";
import {
  decodeReceiptCompany,
  encodeReceiptCompany,
  imageOf,
  PendingImages,
  readLimited,
  safeFileName,
} from "./photos.js";

describe("imageOf", () => {
  it("takes the largest size of a photo", () => {
    const photo = [
      { file_id: "s", file_unique_id: "us", width: 90, height: 120, file_size: 1000 },
      { file_id: "l", file_unique_id: "ul", width: 960, height: 1280, file_size: 90_000 },
      { file_id: "m", file_unique_id: "um", width: 320, height: 427, file_size: 9000 },
    ];
    expect(imageOf({ photo })).toEqual({
      fileId: "l",
      size: 90_000,
      fileName: "telegram-ul.jpg",
    });
  });

  it("takes a JPEG or PNG document and nothing else", () => {
    expect(
      imageOf({
        document: {
          file_id: "d",
          file_unique_id: "ud",
          mime_type: "image/png",
          file_name: "../../bon fiscal.png",
        },
      }),
    ).toEqual({ fileId: "d", size: undefined, fileName: "bon fiscal.png" });
    expect(
      imageOf({ document: { file_id: "p", file_unique_id: "up", mime_type: "application/pdf" } }),
    ).toBeUndefined();
    expect(imageOf({})).toBeUndefined();
  });

  it("cleans file names", () => {
    expect(safeFileName("C:\\x\\a<b>.jpg", "f")).toBe("ab.jpg");
    expect(safeFileName(".hidden", "f")).toBe("f");
    expect(safeFileName(undefined, "f")).toBe("f");
  });
});

describe("PendingImages", () => {
  const image = { fileId: "f", size: 1, fileName: "a.jpg", owner: 1, chatId: 1 };

  it("gives a photo back once, and not after it expired", () => {
    const pending = new PendingImages(1000, 10);
    const token = pending.add(image, 0);
    expect(pending.take(token, 10)).toMatchObject({ fileId: "f" });
    expect(pending.take(token, 10)).toBeUndefined();
    const late = pending.add(image, 0);
    expect(pending.take(late, 1000)).toBeUndefined();
  });

  it("holds at most its capacity", () => {
    const pending = new PendingImages(1000, 2);
    const first = pending.add(image, 0);
    pending.add(image, 0);
    pending.add(image, 0);
    expect(pending.size).toBe(2);
    expect(pending.take(first, 1)).toBeUndefined();
  });
});

describe("receipt company buttons", () => {
  it("round-trips and refuses other data", () => {
    const data = encodeReceiptCompany(12, "AbCd_-12");
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(decodeReceiptCompany(data)).toEqual({ companyId: 12, token: "AbCd_-12" });
    expect(decodeReceiptCompany("rc:1:short")).toBeUndefined();
    expect(decodeReceiptCompany("company:1")).toBeUndefined();
  });
});

describe("readLimited", () => {
  const streamOf = (...chunks: number[]) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const size of chunks) controller.enqueue(new Uint8Array(size));
        controller.close();
      },
    });

  it("reads up to the limit and refuses past it", async () => {
    expect(((await readLimited(streamOf(3, 4), 7)) as Buffer).length).toBe(7);
    expect(await readLimited(streamOf(3, 5), 7)).toBe("too-large");
  });
});
