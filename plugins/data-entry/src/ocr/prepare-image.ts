// Checks an image before it reaches a worker (bytes and pixels are capped because the
// WASM heap only grows) and optionally cleans it up for OCR. sharp works on libuv's
// thread pool, so none of this blocks the event loop.
import sharp from "sharp";
import { OcrInputTooLargeError, OcrInvalidImageError } from "../errors.js";
import type { Rotation } from "./orientation.js";

export type OcrPreprocess = "none" | "grayscale" | "grayscale-normalize" | "threshold";

const ENGINE_FORMATS = new Set(["jpeg", "png", "webp"]);
// Vector and document formats (SVG, PDF) are refused: they are not scans.
const RASTER_FORMATS = new Set(["jpeg", "png", "webp", "tiff", "gif", "heif", "avif", "jp2"]);

export interface ImageLimits {
  maxBytes: number;
  maxPixels: number;
}

export interface PreparedImage {
  data: Buffer;
  width: number;
  height: number;
}

export async function prepareImage(
  input: Buffer | Uint8Array,
  limits: ImageLimits,
  preprocess: OcrPreprocess,
): Promise<PreparedImage> {
  if (input.byteLength === 0) throw new OcrInvalidImageError("empty input");
  if (input.byteLength > limits.maxBytes) {
    throw new OcrInputTooLargeError("bytes", input.byteLength, limits.maxBytes);
  }
  const data = Buffer.isBuffer(input) ? input : Buffer.from(input);
  let width: number;
  let height: number;
  let format: string;
  try {
    // Reads the header only: a decompression bomb is refused before it is decoded.
    const metadata = await sharp(data).metadata();
    width = metadata.width ?? 0;
    height = metadata.height ?? 0;
    format = metadata.format ?? "unknown";
  } catch (error) {
    throw new OcrInvalidImageError("unknown or corrupt image format", { cause: error });
  }
  if (!RASTER_FORMATS.has(format))
    throw new OcrInvalidImageError(`${format} is not a photo or scan`);
  if (width === 0 || height === 0) throw new OcrInvalidImageError("no dimensions");
  if (width * height > limits.maxPixels) {
    throw new OcrInputTooLargeError("pixels", width * height, limits.maxPixels);
  }
  // The engine reads these itself; anything else (TIFF, GIF, HEIF…) becomes a PNG here.
  if (preprocess === "none" && ENGINE_FORMATS.has(format)) return { data, width, height };

  // `rotate()` applies the EXIF orientation, which tesseract ignores.
  let pipeline = sharp(data, { limitInputPixels: limits.maxPixels }).rotate();
  if (preprocess !== "none") pipeline = pipeline.grayscale();
  if (preprocess === "grayscale-normalize") pipeline = pipeline.normalise();
  if (preprocess === "threshold") pipeline = pipeline.normalise().threshold(160);
  // One channel: sharp's grayscale() still writes three equal ones unless told "b-w",
  // and a colour image costs the engine ~15 % more CPU to recognise (the same text).
  if (preprocess !== "none") pipeline = pipeline.toColourspace("b-w");
  try {
    // Uncompressed: the engine's PNG decoder (WASM) then only copies the rows.
    const output = await pipeline
      .png({ compressionLevel: 0 })
      .toBuffer({ resolveWithObject: true });
    return { data: output.data, width: output.info.width, height: output.info.height };
  } catch (error) {
    throw new OcrInvalidImageError("could not decode the image", { cause: error });
  }
}

/**
 * The prepared image turned clockwise by `rotation`, as an uncompressed PNG; with
 * `longSide`, also reduced so that its long side is at most that (never enlarged).
 */
export async function rotateImage(
  data: Buffer,
  rotation: Rotation,
  longSide?: number,
): Promise<Buffer> {
  let pipeline = sharp(data).rotate(rotation);
  if (longSide !== undefined) {
    pipeline = pipeline.resize({
      width: longSide,
      height: longSide,
      fit: "inside",
      withoutEnlargement: true,
    });
  }
  try {
    return await pipeline.png({ compressionLevel: 0 }).toBuffer();
  } catch (error) {
    throw new OcrInvalidImageError("could not decode the image", { cause: error });
  }
}
