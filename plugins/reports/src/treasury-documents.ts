/**
 * The papers behind cash and bank movements, by the code the ERP read model stores in
 * `treasury_movements.document_type`, with their names in Romanian and English. Shared
 * by the UI (which shows the user's language) and the files (Romanian). A code not
 * listed (another ERP's) is shown as it is.
 */
export const TREASURY_DOCUMENT_TYPES = {
  CH: { ro: "Chitanță", en: "Receipt" },
  DP: { ro: "Dispoziție de plată", en: "Cash payment order" },
  DI: { ro: "Dispoziție de încasare", en: "Cash receipt order" },
  EXT: { ro: "Extras de cont", en: "Bank statement" },
  OP: { ro: "Ordin de plată", en: "Payment order" },
  FV: { ro: "Foaie de vărsământ", en: "Cash deposit slip" },
  CEC: { ro: "Cec de numerar", en: "Cash cheque" },
  NC: { ro: "Notă contabilă", en: "Journal voucher" },
} as const satisfies Record<string, { ro: string; en: string }>;

export type TreasuryDocumentType = keyof typeof TREASURY_DOCUMENT_TYPES;

/** The name of a document type in `language`, or the code itself when it is not a known one. */
export function treasuryDocumentName(code: string, language: "ro" | "en"): string {
  return Object.hasOwn(TREASURY_DOCUMENT_TYPES, code)
    ? TREASURY_DOCUMENT_TYPES[code as TreasuryDocumentType][language]
    : code;
}
