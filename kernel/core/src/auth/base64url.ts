/**
 * Whether a string is the one canonical base64url spelling of its bytes (RFC 4648 §5
 * without padding, unused bits zero, §3.5). Base64 leaves 2 or 4 bits of the last
 * character unused, so the same bytes have 4 or 16 spellings; a decoder ignores the
 * extra bits, but anything keyed on the text (a revocation list, a cache) does not. One
 * pass over the characters, no allocation: it runs before every token verified afresh.
 */

/** Each base64url character's 6-bit value, or -1 for a character outside the alphabet. */
const VALUES = new Int8Array(128).fill(-1);
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
for (let i = 0; i < ALPHABET.length; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

export function isCanonicalBase64url(text: string, start = 0, end = text.length): boolean {
  const length = end - start;
  // A remainder of one character cannot encode a whole byte.
  if (length % 4 === 1) return false;
  let last = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i);
    last = code < 128 ? (VALUES[code] as number) : -1;
    if (last < 0) return false;
  }
  // 2 characters carry 1 byte (4 unused bits), 3 carry 2 bytes (2 unused bits).
  if (length % 4 === 2) return (last & 0b1111) === 0;
  if (length % 4 === 3) return (last & 0b11) === 0;
  return true;
}

/** Whether each dot-separated segment of a compact JWS is canonical base64url. */
export function isCanonicalJws(token: string): boolean {
  const first = token.indexOf(".");
  const second = first < 0 ? -1 : token.indexOf(".", first + 1);
  if (second < 0 || token.indexOf(".", second + 1) >= 0) return false;
  return (
    first > 0 &&
    second > first + 1 &&
    second < token.length - 1 &&
    isCanonicalBase64url(token, 0, first) &&
    isCanonicalBase64url(token, first + 1, second) &&
    isCanonicalBase64url(token, second + 1)
  );
}
