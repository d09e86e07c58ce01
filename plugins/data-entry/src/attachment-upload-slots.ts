/**
 * How many uploads one user may have in flight at once. Each upload streams up to
 * 20 MB through hashing, a disk write and an image decode; forty of them in parallel
 * from one account slowed `/health` to 4.9 s. The next one beyond the limit is refused
 * at once (429 with Retry-After) rather than queued, so nothing waits holding a socket.
 */
import { TooManyRequestsError } from "@roa2web/plugin-sdk";

/** What the 429 advises: a receipt photo uploads in a second or two. */
export const UPLOAD_RETRY_AFTER_SECONDS = 2;

export class TooManyUploadsError extends TooManyRequestsError {
  constructor(perUser: number) {
    super(
      `You already have ${perUser === 1 ? "an upload" : `${perUser} uploads`} in progress; wait for ${perUser === 1 ? "it" : "one"} to finish`,
      {
        details: {
          reason: "DATA_ENTRY_TOO_MANY_UPLOADS",
          max: perUser,
          retry_after_seconds: UPLOAD_RETRY_AFTER_SECONDS,
        },
      },
    );
  }
}

export class UploadSlots {
  readonly #inFlight = new Map<number, number>();

  constructor(readonly perUser: number) {}

  /**
   * Runs `work` in one of the user's slots, freed when it settles. Throws
   * TooManyUploadsError (before `work` starts) when all of them are taken.
   */
  async run<T>(userId: number, work: () => Promise<T>): Promise<T> {
    const taken = this.#inFlight.get(userId) ?? 0;
    if (taken >= this.perUser) throw new TooManyUploadsError(this.perUser);
    this.#inFlight.set(userId, taken + 1);
    try {
      return await work();
    } finally {
      const left = (this.#inFlight.get(userId) ?? 1) - 1;
      if (left === 0) this.#inFlight.delete(userId);
      else this.#inFlight.set(userId, left);
    }
  }

  /** Uploads in flight for the user (for tests and logs). */
  inFlight(userId: number): number {
    return this.#inFlight.get(userId) ?? 0;
  }
}

/**
 * `slots.run` for a route: a refusal also carries `Retry-After` (the kernel's error
 * handler answers with the headers already set on the reply). Checked here rather
 * than by catching the error: route modules are bundled apart from the services, so
 * `instanceof` on a class from another bundle would not hold.
 */
export function inUploadSlot<T>(
  slots: UploadSlots,
  userId: number,
  reply: { header(name: string, value: string): unknown },
  work: () => Promise<T>,
): Promise<T> {
  if (slots.inFlight(userId) >= slots.perUser) {
    reply.header("retry-after", String(UPLOAD_RETRY_AFTER_SECONDS));
  }
  // Takes the slot synchronously: nothing can come between the check above and it.
  return slots.run(userId, work);
}
