/**
 * Slows password guessing at sign-in, counting only failed sign-ins (a correct one
 * takes its attempt back), on two keys:
 *
 * - the client's address (as the trusted proxy chain gives it: TRUST_PROXY): at most
 *   `max` failures per window, then 429 until the window ends;
 * - the account (the user name as typed, known or not, so the limit tells nothing about
 *   which names exist): a back-off, never a lock. After a few free failures each
 *   further one must wait a growing delay (1 s, 2 s, 4 s … up to a cap) after the
 *   previous one; attempts inside the delay are refused without counting, so someone
 *   guessing from many addresses gets a handful of guesses a minute, and the user, from
 *   any address, signs in as soon as the delay has passed.
 *
 * An attempt is counted *before* the password is checked and taken back when it turns
 * out right: parallel guesses cannot all slip through while the first is being checked.
 */
import { TooManyRequestsError } from "@roa2web/plugin-sdk";
import type { BackoffRule, LoginAttemptStore } from "../http/rate-limit-store.js";

export interface LoginThrottleSettings {
  /** Failures per client address per window. */
  address: { max: number; windowMs: number };
  account: BackoffRule;
}

/** One sign-in attempt that passed the limits: say how it ended. */
export interface LoginAttempt {
  /** The password was right: the attempt is not a failure. */
  succeeded(): Promise<void>;
  /** Not a verdict on the password (the ERP was down): the attempt is not counted. */
  abandoned(): Promise<void>;
}

export class LoginThrottle {
  constructor(
    private readonly store: LoginAttemptStore,
    private readonly settings: LoginThrottleSettings,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Counts an attempt as failed until told otherwise; TooManyRequestsError when over a limit. */
  async begin(address: string, username: string): Promise<LoginAttempt> {
    const addressKey = `login:address:${address}`;
    const accountKey = `login:account:${username.trim().toLowerCase()}`;
    const { max, windowMs } = this.settings.address;
    const now = this.now();
    const byAddress = await this.store.countInWindow(addressKey, now, windowMs);
    if (byAddress.count > max) throw tooMany(byAddress.resetAtMs - now);
    const byAccount = await this.store.countWithBackoff(accountKey, now, this.settings.account);
    if (byAccount.waitMs > 0) {
      // Refused before any password check: not a failure of this address.
      await this.store.uncount(addressKey);
      throw tooMany(byAccount.waitMs);
    }
    return {
      succeeded: async () => {
        await this.store.uncount(addressKey);
        await this.store.forget(accountKey);
      },
      abandoned: async () => {
        await this.store.uncount(addressKey);
        await this.store.uncount(accountKey);
      },
    };
  }
}

function tooMany(waitMs: number) {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new TooManyRequestsError(
    `Too many failed sign-ins; try again in ${seconds} second${seconds === 1 ? "" : "s"}`,
    { details: { retry_after_seconds: seconds } },
  );
}
