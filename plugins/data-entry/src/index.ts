// The public API of @roa2web/plugin-data-entry: the OCR worker pool and the receipt
// field extraction. The plugin itself (routes, workflow, UI) is dist/plugin.js; what
// other plugins use (the `data-entry.receipts` service, the receipt events) is in
// @roa2web/data-entry-contract.
export {
  DataEntryError,
  OcrInputTooLargeError,
  OcrInvalidImageError,
  OcrJobFailedError,
  OcrPdfEmptyError,
  OcrPdfEncryptedError,
  OcrPdfUnreadableError,
  OcrQueueFullError,
  OcrTimeoutError,
  OcrUnavailableError,
} from "./errors.js";
export { cents, findAmounts, parseAmount } from "./ocr/amounts.js";
export { findDates } from "./ocr/dates.js";
export { type ExtractOptions, extractFields, type ReceiptFields } from "./ocr/extract-fields.js";
export {
  languageFolder,
  OCR_LANGUAGES,
  type OcrLanguage,
  resolveLangPath,
} from "./ocr/language-data.js";
export { findMerchant } from "./ocr/merchant.js";
export {
  defaultPoolSize,
  type OcrJobOptions,
  OcrPool,
  type OcrPoolLogger,
  type OcrPoolOptions,
  type OcrPoolState,
  type OcrPoolStatus,
} from "./ocr/ocr-pool.js";
export {
  isPdf,
  linesFromTextItems,
  type OcrSource,
  PDF_MAX_PAGES,
  type PdfDocument,
  type PdfPage,
  PdfReader,
  type PdfReaderOptions,
  recognizePdf,
} from "./ocr/pdf-source.js";
export { type OcrPreprocess, prepareImage } from "./ocr/prepare-image.js";
export { findTaxIds, isValidGermanVatId, isValidRomanianCui } from "./ocr/tax-id.js";
export { fold, normaliseName } from "./ocr/text.js";
export { findTotal, findVat } from "./ocr/totals.js";
export type { BoundingBox, OcrLine, OcrResult } from "./ocr/types.js";
