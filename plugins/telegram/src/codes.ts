/** Link codes: short random codes a signed-in user types into the bot. Stored hashed. */
import { createHash, randomInt } from "node:crypto";

/** No 0/O, 1/I/L: letters and digits that cannot be mistaken for one another. */
export const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
export const CODE_LENGTH = 8;
export const CODE_TTL_MS = 10 * 60 * 1000;

/** A random code of CODE_LENGTH characters from CODE_ALPHABET (crypto-strong). */
export function generateCode(pick: (max: number) => number = randomInt): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i += 1) code += CODE_ALPHABET[pick(CODE_ALPHABET.length)];
  return code;
}

/** What the user typed, as stored: upper case, without spaces or dashes. */
export function normalizeCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, "");
}

/** Whether a typed text can be a code at all (saves a database lookup and an attempt). */
export function looksLikeCode(input: string): boolean {
  const code = normalizeCode(input);
  return code.length === CODE_LENGTH && [...code].every((char) => CODE_ALPHABET.includes(char));
}

/** SHA-256 of the normalised code, hex: what the database holds. */
export function hashCode(input: string): string {
  return createHash("sha256").update(normalizeCode(input)).digest("hex");
}

export function codeExpiry(now: Date): Date {
  return new Date(now.getTime() + CODE_TTL_MS);
}

export type CodeProblem = "unknown" | "expired" | "used";

/** Why a stored code cannot be redeemed now, or null when it can. */
export function codeProblem(
  row: { expiresAt: Date; usedAt: Date | null } | null,
  now: Date,
): CodeProblem | null {
  if (row === null) return "unknown";
  if (row.usedAt !== null) return "used";
  if (row.expiresAt.getTime() <= now.getTime()) return "expired";
  return null;
}
