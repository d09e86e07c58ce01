// Retail chains common on receipts in Romania and Germany, by the name their headers
// print. A header's logo is where OCR slips most: thin letters vanish ("LDL" for the
// Lidl logo, "LDI" for Aldi's), a word breaks in two ("Mark tkaut"). A merchant name
// whose leading words are one slip away from exactly one chain's name is read as that
// chain; a name read right is left as printed.
import { fold } from "./text.js";

const CHAINS = [
  // Groceries and hypermarkets
  "Aldi",
  "Lidl",
  "Rewe",
  "Edeka",
  "Penny",
  "Netto",
  "Norma",
  "Kaufland",
  "Globus",
  "Marktkauf",
  "Tegut",
  "Real",
  "Mega Image",
  "Carrefour",
  "Auchan",
  "Profi",
  "Selgros",
  "Metro",
  "Cora",
  // DIY, furniture, electronics
  "Hornbach",
  "Bauhaus",
  "Toom",
  "Hagebau",
  "Roller",
  "Ikea",
  "Dedeman",
  "Leroy Merlin",
  "Brico Depot",
  "MediaMarkt",
  "Saturn",
  "Altex",
  // Drugstores, pharmacies, fashion, pets
  "Rossmann",
  "Douglas",
  "Sensiblu",
  "Catena",
  "Deichmann",
  "Tchibo",
  "Fressnapf",
  "Pepco",
  "Takko",
  "Decathlon",
  "Intersport",
  // Fuel
  "Aral",
  "Shell",
  "Esso",
  "Petrom",
  "Rompetrol",
  "Lukoil",
] as const;

const KEYS = CHAINS.map((name) => ({ name, key: compact(name) }));

function compact(text: string): string {
  return fold(text).replace(/[^A-Z0-9]/g, "");
}

/**
 * Whether `read` is `key` with one letter lost, or (for names of five letters and
 * more, where one slip still leaves the name unmistakable) one letter changed or added.
 */
function oneSlipFrom(read: string, key: string): boolean {
  if (read === key) return false;
  const lengthDifference = key.length - read.length;
  if (lengthDifference === 1) return withOneExtra(key, read);
  if (key.length < 5) return false;
  if (lengthDifference === -1) return withOneExtra(read, key);
  if (lengthDifference !== 0) return false;
  let differences = 0;
  for (let i = 0; i < key.length; i++) if (key[i] !== read[i] && ++differences > 1) return false;
  return differences === 1;
}

/** `longer` is `shorter` with exactly one character inserted somewhere. */
function withOneExtra(longer: string, shorter: string): boolean {
  let i = 0;
  while (i < shorter.length && longer[i] === shorter[i]) i++;
  return longer.slice(i + 1) === shorter.slice(i);
}

/**
 * The name with its leading words read as the chain they spell with one OCR slip, when
 * exactly one chain fits: `LDL` → `Lidl`, `Mark tkaut Lehr` → `Marktkauf Lehr` (the
 * chain, then the branch). Names of more than four words are left alone.
 */
export function chainMisreadAs(name: string): string | undefined {
  const words = name.trim().split(/\s+/);
  if (words.length > 4) return undefined;
  for (let count = 1; count <= Math.min(3, words.length); count++) {
    const read = compact(words.slice(0, count).join(""));
    if (read.length < 3) continue;
    let found: string | undefined;
    let ambiguous = false;
    for (const { name: chain, key } of KEYS) {
      // Read right: the name stays as printed.
      if (read === key) return undefined;
      if (oneSlipFrom(read, key)) {
        ambiguous ||= found !== undefined;
        found = chain;
      }
    }
    if (found !== undefined) {
      return ambiguous ? undefined : [found, ...words.slice(count)].join(" ");
    }
  }
  return undefined;
}
