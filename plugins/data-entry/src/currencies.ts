/**
 * ISO 4217 currency codes: what a receipt's currency may be. The list is the active
 * codes of ISO 4217 (2024), without funds, precious metals and testing codes.
 */
import { InvalidFieldError } from "./errors.js";

/** The books' own currency: amounts in it need no exchange rate. */
export const BOOKS_CURRENCY = "RON";

const ISO_4217 = new Set(
  (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN " +
    "BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD " +
    "FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY " +
    "KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP " +
    "MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR " +
    "RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT " +
    "TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER " +
    "ZAR ZMW ZWG"
  ).split(" "),
);

export function isCurrencyCode(code: string): boolean {
  return ISO_4217.has(code);
}

/**
 * `eur` and ` EUR ` are EUR (case and spaces are not meaningful); a code that is not in
 * ISO 4217 (`EURO` is stopped by the schema's three letters, `LEI` or `XYZ` here) is a 400
 * naming the field.
 */
export function normaliseCurrency(text: string, field = "body.currency"): string {
  const code = text.trim().toUpperCase();
  if (!isCurrencyCode(code)) {
    throw new InvalidFieldError(
      field,
      `must be an ISO 4217 currency code such as RON, EUR or USD (got "${text}")`,
    );
  }
  return code;
}
