// Finds the tesseract language data shipped by the `@tesseract.js-data/<code>` npm
// packages, so no worker ever downloads it: tesseract.js fetches from a CDN when
// `langPath` is unset.
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

export type OcrLanguage = "deu" | "eng" | "ron";

export const OCR_LANGUAGES: readonly OcrLanguage[] = ["deu", "eng", "ron"];

// `4.0.0_best_int` holds the LSTM-only models (what OEM 1 needs, ~1–4 MB gzip'd);
// `4.0.0` adds the legacy engine and is several times larger.
const MODEL_FOLDER = "4.0.0_best_int";

const require = createRequire(import.meta.url);

/** The folder holding `<code>.traineddata.gz` inside the language's npm package. */
export function languageFolder(code: OcrLanguage): string {
  const manifest = require.resolve(`@tesseract.js-data/${code}/package.json`);
  const folder = path.join(path.dirname(manifest), MODEL_FOLDER);
  if (!existsSync(path.join(folder, `${code}.traineddata.gz`))) {
    throw new Error(`@tesseract.js-data/${code} has no ${MODEL_FOLDER}/${code}.traineddata.gz`);
  }
  return folder;
}

/**
 * The `langPath` for a set of languages. tesseract.js reads every language from one
 * folder, and each package has its own: one language uses its package folder as is;
 * several are copied (local files, gzip'd, once) into `<cacheDir>/tessdata`.
 */
export function resolveLangPath(languages: readonly OcrLanguage[], cacheDir: string): string {
  const [first, ...rest] = languages;
  if (first === undefined) throw new Error("at least one OCR language is needed");
  if (rest.length === 0) return languageFolder(first);
  const target = path.join(cacheDir, "tessdata");
  mkdirSync(target, { recursive: true });
  for (const code of languages) {
    const destination = path.join(target, `${code}.traineddata.gz`);
    if (!existsSync(destination)) {
      copyFileSync(path.join(languageFolder(code), `${code}.traineddata.gz`), destination);
    }
  }
  return target;
}
