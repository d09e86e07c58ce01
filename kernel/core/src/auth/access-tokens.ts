/**
 * Short-lived access tokens (HS256 JWT). Verification is the hot path of every
 * authenticated request, so verified claims are cached until the token expires.
 *
 * A cached entry answers only the *whole* token it was made from (never a token that
 * merely shares a hash or prefix with it: GHSA-rp9m-7r4c-75qg). It is looked up by the
 * token's signature segment and then compared whole: the map hashes 43 characters
 * instead of ~300 on every request (hashing the whole token was ~0.5 µs, measured).
 *
 * Signing out revokes the access token presented with it: it leaves the cache and a
 * hash of its signature is remembered until the token would have expired anyway, in
 * memory and in the revocation store (the kernel database: a restart does not revive
 * it). Only a token verified afresh (a cache miss) is checked against that list, so
 * the hot path pays nothing for it.
 *
 * The cache and that list are keyed on the token's *text*, while the signature check
 * compares the decoded *bytes*: a 43-character HS256 signature has 2 unused bits, so
 * four spellings verify. A token verified afresh must therefore be the canonical
 * base64url spelling in every segment (base64url.ts): another spelling of a signed-out
 * token is refused with it, before and after a restart.
 *
 * Tokens of a user whose sessions ended (a password change, a disable, `users revoke`)
 * are refused from the in-memory cutoffs of session-cutoffs.ts, on a cache miss too;
 * when those change, the cache is cleared.
 *
 * `generation` changes whenever a token verified earlier may have stopped being valid
 * before its expiry (a sign-out, a cleared cache). Whoever remembers a verification
 * outside this class (the per-connection memo in http/connection-credentials.ts) keeps
 * it only while the generation it saw is still the current one.
 */

import { createHash, randomBytes } from "node:crypto";
import { type AuthUser, type Permission, UnauthorizedError } from "@roa2web/plugin-sdk";
import { createSigner, createVerifier, TokenError } from "fast-jwt";
import { LRUCache } from "lru-cache";
import { isCanonicalJws } from "./base64url.js";
import type { RevocationStore } from "./revoked-access-tokens.js";
import type { SessionCutoffs } from "./session-cutoffs.js";

export interface AccessTokenSettings {
  secret: string;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  /** How many verified tokens to remember. */
  cacheSize?: number;
}

interface AccessClaims {
  sub: string;
  typ: "access";
  name: string;
  dn: string;
  perms: Permission[];
  cos: number[] | "*";
  exp: number;
  iat: number;
  /** When the token was issued, in ms (`iat` has whole seconds only). */
  iat_ms?: number;
}

/** A verified access token: whom it stands for, and until when (ms since the epoch). */
export interface VerifiedAccessToken {
  readonly token: string;
  readonly user: AuthUser;
  readonly expiresAtMs: number;
}

export class AccessTokens {
  private readonly sign: (payload: Record<string, unknown>) => string;
  private readonly verifySignature: (token: string) => AccessClaims;
  private readonly verified: LRUCache<string, VerifiedAccessToken>;
  private revocationGeneration = 0;

  /** Signature hash → when the revoked token expires (ms); pruned as entries lapse. */
  private readonly revoked = new Map<string, number>();

  constructor(
    private readonly settings: AccessTokenSettings,
    /** Keeps revocations across restarts; in memory only without one. */
    private readonly store?: RevocationStore,
    /** Users whose sessions ended (password change, disable, revoke): older tokens are refused. */
    private readonly sessionCutoffs?: SessionCutoffs,
  ) {
    this.sign = createSigner({
      key: settings.secret,
      algorithm: "HS256",
      iss: settings.issuer,
      aud: settings.audience,
      expiresIn: settings.ttlSeconds * 1000,
    });
    this.verifySignature = createVerifier({
      key: settings.secret,
      algorithms: ["HS256"],
      allowedIss: settings.issuer,
      allowedAud: settings.audience,
      requiredClaims: ["sub", "exp", "iat", "typ", "aud", "iss"],
    }) as (token: string) => AccessClaims;
    this.verified = new LRUCache({ max: settings.cacheSize ?? 10_000 });
  }

  get ttlSeconds(): number {
    return this.settings.ttlSeconds;
  }

  /** Changes when a verified token may have become invalid before it expires (see above). */
  get generation(): number {
    return this.revocationGeneration;
  }

  issue(user: AuthUser): string {
    return this.sign({
      // Unique per token: two sign-ins in the same second would otherwise get the very
      // same token, and signing one out would sign out the other.
      jti: randomBytes(12).toString("base64url"),
      iat_ms: Date.now(),
      sub: String(user.id),
      typ: "access",
      name: user.username,
      dn: user.displayName,
      perms: user.permissions,
      cos: user.companies,
    });
  }

  /** The user a valid access token stands for; UnauthorizedError otherwise. */
  authenticate(token: string): AuthUser {
    return this.verify(token).user;
  }

  /** A valid access token's user and expiry; UnauthorizedError otherwise. */
  verify(token: string): VerifiedAccessToken {
    const key = signatureOf(token);
    const cached = this.verified.get(key);
    if (cached && cached.token === token) {
      if (cached.expiresAtMs > Date.now()) return cached;
      this.verified.delete(key);
      throw new UnauthorizedError("The access token has expired", {
        details: { reason: "expired" },
      });
    }
    if (!isCanonicalJws(token)) {
      throw new UnauthorizedError("The access token is not valid", {
        details: { reason: "invalid" },
      });
    }
    let claims: AccessClaims;
    try {
      claims = this.verifySignature(token);
    } catch (error) {
      const expired = error instanceof TokenError && error.code === TokenError.codes.expired;
      throw new UnauthorizedError(
        expired ? "The access token has expired" : "The access token is not valid",
        {
          details: { reason: expired ? "expired" : "invalid" },
        },
      );
    }
    if (this.revoked.size > 0 && this.revoked.has(signatureHash(key))) {
      throw new UnauthorizedError("The access token was revoked (signed out)", {
        details: { reason: "revoked" },
      });
    }
    if (claims.typ !== "access" || !/^\d+$/.test(claims.sub) || !Array.isArray(claims.perms)) {
      throw new UnauthorizedError("The access token is not valid", {
        details: { reason: "invalid" },
      });
    }
    const userId = Number(claims.sub);
    if (this.sessionCutoffs?.refuses(userId, claims.iat_ms ?? claims.iat * 1000)) {
      throw new UnauthorizedError(
        "This session has ended (password changed, account disabled or sessions revoked): sign in again",
        { details: { reason: "session_ended" } },
      );
    }
    const user: AuthUser = Object.freeze({
      id: userId,
      username: claims.name,
      displayName: claims.dn ?? claims.name,
      permissions: Object.freeze([...claims.perms]),
      companies: claims.cos === "*" ? "*" : Object.freeze([...claims.cos]),
    });
    const verified: VerifiedAccessToken = Object.freeze({
      token,
      user,
      expiresAtMs: claims.exp * 1000,
    });
    this.verified.set(key, verified);
    return verified;
  }

  /** Loads the revocations still in force from the store (at start). Returns how many. */
  async restoreRevocations(): Promise<number> {
    if (!this.store) return 0;
    const now = Date.now();
    const rows = await this.store.load(now);
    for (const [hash, expiresAtMs] of rows) {
      if (expiresAtMs > now) this.revoked.set(hash, expiresAtMs);
    }
    return rows.length;
  }

  /**
   * Makes a valid access token stop working before it expires (sign-out), at once and
   * after a restart. A token that is not valid anyway is ignored: it could not be used.
   */
  async revoke(token: string): Promise<void> {
    // Another spelling is never accepted (see above), so it needs no revoking.
    if (!isCanonicalJws(token)) return;
    let claims: AccessClaims;
    try {
      claims = this.verifySignature(token);
    } catch {
      return;
    }
    const now = Date.now();
    for (const [hash, expiresAtMs] of this.revoked) {
      if (expiresAtMs <= now) this.revoked.delete(hash);
    }
    const key = signatureOf(token);
    const hash = signatureHash(key);
    const expiresAtMs = claims.exp * 1000;
    this.revoked.set(hash, expiresAtMs);
    this.verified.delete(key);
    this.revocationGeneration += 1;
    await this.store?.add(hash, expiresAtMs, now);
  }

  /**
   * Re-reads whose sessions ended (see session-cutoffs.ts) and which tokens another
   * process signed out (a kernel handing over to this one, or a neighbour on the same
   * database); when either changed, forgets every cached verification so the next
   * request of each token is checked afresh.
   */
  async recheckSessions(): Promise<void> {
    const signedOutElsewhere = await this.readNewRevocations();
    const sessionsEnded = this.sessionCutoffs ? await this.sessionCutoffs.reload() : false;
    if (signedOutElsewhere || sessionsEnded) this.clearCache();
  }

  /** Adds the stored revocations this process has not seen; true when there were any. */
  private async readNewRevocations(): Promise<boolean> {
    if (!this.store) return false;
    const now = Date.now();
    let added = false;
    for (const [hash, expiresAtMs] of await this.store.load(now)) {
      if (expiresAtMs <= now || this.revoked.has(hash)) continue;
      this.revoked.set(hash, expiresAtMs);
      added = true;
    }
    return added;
  }

  /** Forgets cached verifications (after a user's grants change). */
  clearCache(): void {
    this.verified.clear();
    this.revocationGeneration += 1;
  }
}

/** What the revocation list keeps of a token: never the token or its signature. */
function signatureHash(signature: string): string {
  return createHash("sha256").update(signature).digest("base64url");
}

/** The JWT's last segment (its signature), or the whole string if it has no dot. */
function signatureOf(token: string): string {
  return token.slice(token.lastIndexOf(".") + 1);
}
