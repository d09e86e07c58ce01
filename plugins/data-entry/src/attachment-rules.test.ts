import { describe, expect, it } from "vitest";
import {
  contentDisposition,
  DISPLAY_NAME_MAX_LENGTH,
  sanitiseDisplayName,
  sniffAttachmentType,
} from "./attachment-rules.js";

const bytes = (...values: number[]) => Uint8Array.from(values);

describe("sniffing the type from the content", () => {
  it("recognises JPEG, PNG and PDF by their first bytes", () => {
    expect(sniffAttachmentType(bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10))).toBe("image/jpeg");
    expect(sniffAttachmentType(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe(
      "image/png",
    );
    expect(sniffAttachmentType(Buffer.from("%PDF-1.7\n"))).toBe("application/pdf");
  });

  it("refuses anything else, including look-alikes and short input", () => {
    expect(sniffAttachmentType(Buffer.from("hello, I am a .jpg"))).toBeUndefined();
    expect(sniffAttachmentType(Buffer.from("GIF89a"))).toBeUndefined();
    expect(sniffAttachmentType(Buffer.from("%PDF"))).toBeUndefined();
    expect(sniffAttachmentType(bytes(0xff, 0xd8))).toBeUndefined();
    expect(sniffAttachmentType(bytes(0x89, 0x50, 0x4e, 0x47))).toBeUndefined();
    expect(sniffAttachmentType(bytes())).toBeUndefined();
  });
});

describe("display names", () => {
  it("keeps only the last path segment", () => {
    expect(sanitiseDisplayName("../../etc/passwd")).toBe("passwd");
    expect(sanitiseDisplayName("C:\\Users\\ana\\bon.jpg")).toBe("bon.jpg");
    expect(sanitiseDisplayName("/tmp/")).toBe("attachment");
  });

  it("drops control characters and leading dots", () => {
    expect(sanitiseDisplayName("bon\u0000\r\n.jpg")).toBe("bon.jpg");
    expect(sanitiseDisplayName("..")).toBe("attachment");
    expect(sanitiseDisplayName(".htaccess")).toBe("htaccess");
    expect(sanitiseDisplayName(undefined)).toBe("attachment");
    expect(sanitiseDisplayName("factură șoc.pdf")).toBe("factură șoc.pdf");
  });

  it("shortens long names to 120 characters and keeps the extension", () => {
    const name = sanitiseDisplayName(`${"a".repeat(300)}.jpeg`);
    expect(name).toHaveLength(DISPLAY_NAME_MAX_LENGTH);
    expect(name.endsWith("a.jpeg")).toBe(true);
    expect(sanitiseDisplayName("b".repeat(200))).toBe("b".repeat(120));
  });

  it("drops bidi controls and lone surrogates", () => {
    expect(sanitiseDisplayName("bon\u202Egpj.exe")).toBe("bongpj.exe");
    expect(sanitiseDisplayName("a\u2066b\u200f\ud800.pdf")).toBe("ab.pdf");
    expect(sanitiseDisplayName("bon 😀.jpg")).toBe("bon 😀.jpg");
  });

  it("takes the extension of the type the content was recognised as", () => {
    expect(sanitiseDisplayName("x.html", "image/jpeg")).toBe("x.jpg");
    expect(sanitiseDisplayName("scan.bin", "image/png")).toBe("scan.png");
    expect(sanitiseDisplayName("factura", "application/pdf")).toBe("factura.pdf");
    expect(sanitiseDisplayName("Bon.JPEG", "image/jpeg")).toBe("Bon.JPEG");
    expect(sanitiseDisplayName("bon.png", "image/jpeg")).toBe("bon.jpg");
    expect(sanitiseDisplayName("Bon 12.03 final", "image/jpeg")).toBe("Bon 12.03 final.jpg");
    expect(sanitiseDisplayName("", "image/png")).toBe("attachment.png");
    const long = sanitiseDisplayName(`${"a".repeat(300)}.html`, "image/jpeg");
    expect(long).toHaveLength(DISPLAY_NAME_MAX_LENGTH);
    expect(long.endsWith("a.jpg")).toBe(true);
  });

  it("makes a header value that cannot break out of its quotes", () => {
    expect(contentDisposition('bon "1".pdf')).toBe(
      `inline; filename="bon _1_.pdf"; filename*=UTF-8''bon%20%221%22.pdf`,
    );
    expect(contentDisposition("ș.pdf")).toBe(
      `inline; filename="_.pdf"; filename*=UTF-8''%C8%99.pdf`,
    );
  });
});
