/**
 * A rough guess of how hard a secret is to guess, to refuse weak `JWT_SECRET`s in
 * production. Whoever knows the secret can sign a token for any user with every
 * permission, so it must be random: `openssl rand -base64 48` (384 bits).
 *
 * The estimate is deliberately pessimistic and cheap, not a password meter: each
 * character is worth the smaller of log2(the alphabet its character classes span) and
 * the string's own Shannon entropy per character; a character that repeats or steps
 * from the previous one (`aaaa`, `abcd`, `4321`) is worth 1 bit; a string that repeats a
 * shorter one is worth that shorter one.
 */

/** The development secret written in the source: never good enough outside development. */
export const DEVELOPMENT_JWT_SECRET = "roa2web-development-secret-do-not-use-in-production";

/** Bits a production secret must reach (estimated). */
export const MINIMUM_SECRET_BITS = 128;

/** The length of the shortest string whose repetition makes `text` (its own length if none). */
function period(text: string): number {
  for (let size = 1; size <= text.length / 2; size++) {
    let repeats = true;
    for (let i = size; i < text.length && repeats; i++) repeats = text[i] === text[i - size];
    if (repeats) return size;
  }
  return text.length;
}

/** The estimated entropy of a secret in bits (see above). */
export function estimateSecretBits(secret: string): number {
  const text = secret.slice(0, period(secret));
  if (text.length === 0) return 0;
  let alphabet = 0;
  if (/[a-z]/.test(text)) alphabet += 26;
  if (/[A-Z]/.test(text)) alphabet += 26;
  if (/[0-9]/.test(text)) alphabet += 10;
  if (/[^a-zA-Z0-9]/.test(text)) alphabet += 33;
  const counts = new Map<string, number>();
  for (const character of text) counts.set(character, (counts.get(character) ?? 0) + 1);
  let shannon = 0;
  for (const count of counts.values()) {
    const share = count / text.length;
    shannon -= share * Math.log2(share);
  }
  const perCharacter = Math.min(Math.log2(alphabet), shannon);
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const step = i === 0 ? 2 : Math.abs(text.charCodeAt(i) - text.charCodeAt(i - 1));
    bits += step <= 1 ? Math.min(1, perCharacter) : perCharacter;
  }
  return Math.floor(bits);
}

/** Why a secret is not good enough for production, or undefined if it is. */
export function secretWeakness(secret: string): string | undefined {
  if (secret === DEVELOPMENT_JWT_SECRET) {
    return "is the development secret written in roa2web's source code";
  }
  const bits = estimateSecretBits(secret);
  if (bits < MINIMUM_SECRET_BITS) {
    return `looks guessable: about ${bits} bits estimated (repeats, sequences or few different characters), at least ${MINIMUM_SECRET_BITS} needed`;
  }
  return undefined;
}
