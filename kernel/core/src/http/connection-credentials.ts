/**
 * The last `Authorization` header that verified on a keep-alive connection, and whom it
 * stands for. A client sends the very same header on every request of a connection, so
 * most authenticated requests are recognised by one string comparison on their own
 * socket instead of a lookup in the token cache (which hashes part of the token and
 * reorders an LRU list: ~1.4 µs of a ~14 µs trivial route in `bench/auth-hot-path.mjs`).
 *
 * It never answers what the token cache would not:
 * - only the exact same header string (a proxy that reuses one connection for several
 *   users sends another header, which is verified afresh);
 * - only until the token expires;
 * - only while the token cache's generation is the one it was remembered in: a sign-out
 *   anywhere, or a cleared cache, forgets every connection's memo at once.
 */
import type { AuthUser } from "@roa2web/plugin-sdk";
import type { AccessTokens } from "../auth/access-tokens.js";

const REMEMBERED = Symbol("roa2web.connectionCredential");

interface RememberedCredential {
  readonly header: string;
  readonly user: AuthUser;
  readonly expiresAtMs: number;
  readonly generation: number;
}

/** What a connection is: any object that lives as long as it (the socket). */
type Connection = object & { [REMEMBERED]?: RememberedCredential };

/** The user the connection's remembered header stands for, if `header` is that header and still valid. */
export function rememberedUser(
  connection: Connection | null | undefined,
  header: string,
  tokens: AccessTokens,
): AuthUser | undefined {
  const remembered = connection?.[REMEMBERED];
  if (
    remembered === undefined ||
    remembered.header !== header ||
    remembered.generation !== tokens.generation ||
    remembered.expiresAtMs <= Date.now()
  ) {
    return undefined;
  }
  return remembered.user;
}

/** Remembers a header that has just verified, for the connection's next requests. */
export function rememberCredential(
  connection: Connection | null | undefined,
  header: string,
  verified: { user: AuthUser; expiresAtMs: number },
  tokens: AccessTokens,
): void {
  if (!connection) return;
  connection[REMEMBERED] = {
    header,
    user: verified.user,
    expiresAtMs: verified.expiresAtMs,
    generation: tokens.generation,
  };
}
