/**
 * The signed-in session. The access token lives only in memory; the refresh token is
 * an HttpOnly cookie the kernel sets on `/api/auth` (page scripts never see it), so a
 * reload or a new tab restores the session with one `POST /api/auth/refresh`.
 *
 * Refresh tokens rotate and a reused one revokes its whole family, so two tabs must
 * never refresh with the same cookie at once: refreshes run under a Web Lock shared
 * by every tab of the origin (each one then sends the cookie the last one received).
 */
import { ApiError } from "./api-error.js";

export interface SessionUser {
  id: number;
  username: string;
  display_name: string;
}

interface TokenPair {
  access_token: string;
  expires_in: number;
}

export type SessionEndReason = "logout" | "expired";

const REFRESH_LOCK = "roa2web-session-refresh";

export class Session extends EventTarget {
  #accessToken: string | undefined;
  #expiresAt = 0;
  #refreshTimer: ReturnType<typeof setTimeout> | undefined;
  #refreshing: Promise<boolean> | undefined;

  get accessToken(): string | undefined {
    return this.#accessToken;
  }

  get signedIn(): boolean {
    return this.#accessToken !== undefined;
  }

  async login(username: string, password: string): Promise<void> {
    const response = await fetch("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) throw await ApiError.fromResponse(response);
    this.#accept((await response.json()) as TokenPair);
  }

  /** Restores a session from the refresh cookie; false when there is none. */
  restore(): Promise<boolean> {
    return this.refresh();
  }

  /**
   * Gets a new access token (single flight: concurrent callers share one request).
   * False when the refresh token is gone or revoked: the user has to sign in again.
   */
  refresh(): Promise<boolean> {
    this.#refreshing ??= this.#withLock(() => this.#refreshNow()).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async logout(): Promise<void> {
    // Sent along so the server revokes this access token too, not only the refresh
    // cookie: a copy of it (another tab, a log) stops working at once.
    const accessToken = this.#accessToken;
    this.#clear();
    try {
      await fetch("/api/auth/logout", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}),
        },
        credentials: "same-origin",
        body: "{}",
      });
    } finally {
      this.dispatchEvent(new CustomEvent<SessionEndReason>("session-end", { detail: "logout" }));
    }
  }

  /** Called by the HTTP client when the server refused a token it thought valid. */
  async recoverFromUnauthorized(): Promise<boolean> {
    if (await this.refresh()) return true;
    this.expire();
    return false;
  }

  expire(): void {
    const wasSignedIn = this.signedIn;
    this.#clear();
    if (wasSignedIn) {
      this.dispatchEvent(new CustomEvent<SessionEndReason>("session-end", { detail: "expired" }));
    }
  }

  async #refreshNow(): Promise<boolean> {
    let response: Response;
    try {
      response = await fetch("/api/auth/refresh", {
        method: "POST",
        headers: { "content-type": "application/json" },
        credentials: "same-origin",
        body: "{}",
      });
    } catch {
      return false;
    }
    if (!response.ok) return false;
    this.#accept((await response.json()) as TokenPair);
    return true;
  }

  async #withLock<T>(work: () => Promise<T>): Promise<T> {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    return locks ? locks.request(REFRESH_LOCK, work) : work();
  }

  #accept(pair: TokenPair): void {
    this.#accessToken = pair.access_token;
    this.#expiresAt = Date.now() + pair.expires_in * 1000;
    clearTimeout(this.#refreshTimer);
    // Refresh at 80% of the lifetime, so a request never carries an expired token.
    const delay = Math.max(5_000, pair.expires_in * 800);
    this.#refreshTimer = setTimeout(() => {
      void this.refresh().then((ok) => {
        if (!ok) this.expire();
      });
    }, delay);
  }

  #clear(): void {
    clearTimeout(this.#refreshTimer);
    this.#accessToken = undefined;
    this.#expiresAt = 0;
  }

  get expiresAt(): number {
    return this.#expiresAt;
  }
}

export const session = new Session();
