// Romanian-looking names, cities, tax ids (CUI with its check digit) and IBANs for demo partners.
import type { Random } from "./random.js";

export const CITIES = [
  "București",
  "Cluj-Napoca",
  "Timișoara",
  "Iași",
  "Constanța",
  "Craiova",
  "Brașov",
  "Galați",
  "Ploiești",
  "Oradea",
  "Sibiu",
  "Arad",
  "Pitești",
  "Bacău",
  "Suceava",
  "Baia Mare",
  "Târgu Mureș",
  "Buzău",
  "Botoșani",
  "Satu Mare",
  "Râmnicu Vâlcea",
  "Deva",
  "Focșani",
  "Alba Iulia",
] as const;

const REGIONS = [
  "Nord",
  "Sud",
  "Vest",
  "Est",
  "Carpați",
  "Dunărea",
  "Delta",
  "Bucegi",
  "Ceahlău",
  "Retezat",
  "Apuseni",
  "Olt",
  "Mureș",
  "Siret",
  "Prut",
  "Argeș",
  "Crișana",
  "Banat",
  "Dobrogea",
  "Muntenia",
  "Oltenia",
  "Bihor",
  "Someș",
  "Moldova",
  "Transilvania",
  "Maramureș",
  "Bărăgan",
  "Vrancea",
] as const;

const SURNAMES = [
  "Popescu",
  "Ionescu",
  "Popa",
  "Dumitru",
  "Stan",
  "Stoica",
  "Gheorghe",
  "Rusu",
  "Munteanu",
  "Matei",
  "Constantin",
  "Marin",
  "Lazăr",
  "Ciobanu",
  "Florea",
  "Dinu",
  "Ene",
  "Tudor",
  "Mocanu",
  "Barbu",
  "Neagu",
  "Cristea",
  "Dobre",
  "Preda",
  "Moldovan",
  "Vasile",
  "Oprea",
  "Toma",
] as const;

const TRADES = [
  "Construct",
  "Impex",
  "Trans",
  "Com",
  "Serv",
  "Prod",
  "Distribuție",
  "Logistic",
  "Tehno",
  "Agro",
  "Electro",
  "Instal",
  "Mobila",
  "Consult",
  "Trade",
  "Food",
  "Metal",
  "Auto",
  "Med",
  "Print",
  "Soft",
  "Design",
  "Proiect",
  "Termo",
  "Eco",
  "Farm",
  "Textil",
  "Lemn",
  "Beton",
] as const;

/** Yields names no other partner of the same company has, so lists and pickers stay unambiguous. */
export class PartnerNames {
  private readonly used = new Set<string>();

  constructor(private readonly rng: Random) {}

  /** Reserves a name chosen elsewhere (the fixed utility suppliers). */
  reserve(name: string): string {
    this.used.add(name);
    return name;
  }

  next(): string {
    for (let attempt = 0; attempt < 30; attempt++) {
      const name = this.candidate(attempt >= 10);
      if (!this.used.has(name)) return this.reserve(name);
    }
    // Thousands of partners per company at high scale exhaust the short forms; number the rest.
    const base = this.candidate(true).replace(/ (SRL|SA)$/, "");
    for (let n = 2; ; n++) {
      const name = `${base} ${n} SRL`;
      if (!this.used.has(name)) return this.reserve(name);
    }
  }

  private candidate(long: boolean): string {
    const rng = this.rng;
    const form = rng.next();
    const suffix = rng.chance(0.85) ? "SRL" : "SA";
    let stem: string;
    if (form < 0.45) stem = `${rng.pick(REGIONS)} ${rng.pick(TRADES)}`;
    else if (form < 0.8) stem = `${rng.pick(SURNAMES)} ${rng.pick(TRADES)}`;
    else stem = `${rng.pick(TRADES)}${rng.pick(TRADES).toLowerCase()} ${rng.pick(SURNAMES)}`;
    if (long) stem = `${stem} ${rng.pick(CITIES)}`;
    return `${stem} ${suffix}`;
  }
}

const CUI_KEY = "753217532";

/** The CUI check digit (control key 753217532), as ANAF validates it. */
export function cuiCheckDigit(body: string): number {
  const padded = body.padStart(9, "0");
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(padded[i]) * Number(CUI_KEY[i]);
  const check = (sum * 10) % 11;
  return check === 10 ? 0 : check;
}

/** Hands out valid, distinct `RO` tax ids for all companies and partners of one generation. */
export class TaxIds {
  private readonly used = new Set<string>();

  constructor(private readonly rng: Random) {}

  next(): string {
    for (;;) {
      const body = String(this.rng.int(100_000, 49_999_999));
      const taxId = `RO${body}${cuiCheckDigit(body)}`;
      if (!this.used.has(taxId)) {
        this.used.add(taxId);
        return taxId;
      }
    }
  }
}

export interface Bank {
  name: string;
  /** The 4-letter code inside a Romanian IBAN. */
  code: string;
  short: string;
}

export const BANKS: readonly Bank[] = [
  { name: "Banca Transilvania", code: "BTRL", short: "BT" },
  { name: "Banca Comercială Română", code: "RNCB", short: "BCR" },
  { name: "BRD - Groupe Société Générale", code: "BRDE", short: "BRD" },
  { name: "ING Bank", code: "INGB", short: "ING" },
  { name: "Raiffeisen Bank", code: "RZBR", short: "Raiffeisen" },
  { name: "CEC Bank", code: "CECE", short: "CEC" },
  { name: "UniCredit Bank", code: "BACX", short: "UniCredit" },
];

/** A Romanian IBAN (RO, 2 check digits, bank code, 16 characters) whose mod-97 check holds. */
export function romanianIban(rng: Random, bankCode: string): string {
  let account = "";
  for (let i = 0; i < 16; i++) account += String(rng.int(0, 9));
  const bban = `${bankCode}${account}`;
  const check = 98 - mod97(`${bban}RO00`);
  return `RO${String(check).padStart(2, "0")}${bban}`;
}

/** Letters count as 10..35, digits as themselves (ISO 13616). */
export function mod97(text: string): number {
  let remainder = 0;
  for (const char of text) {
    const code = char.charCodeAt(0);
    const value = code >= 65 ? String(code - 55) : char;
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}
