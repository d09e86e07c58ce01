/** The error every failed API call rejects with: the kernel's `{error:{…}}` body, typed. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    /** The kernel's error code (`VALIDATION_FAILED`, `FORBIDDEN`…) or `NETWORK`. */
    readonly code: string,
    message: string,
    /** Quote it when reporting a problem: it finds the request in the server log. */
    readonly requestId?: string,
    readonly details?: unknown,
    /** Seconds the server asked to wait (`Retry-After` on a 429 or 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    const requestId = response.headers.get("x-request-id") ?? undefined;
    const retryAfter = retryAfterSeconds(response.headers.get("retry-after"));
    try {
      const body = (await response.json()) as {
        error?: { code?: string; message?: string; request_id?: string; details?: unknown };
      };
      if (body.error?.message) {
        return new ApiError(
          response.status,
          body.error.code ?? "ERROR",
          body.error.message,
          body.error.request_id ?? requestId,
          body.error.details,
          retryAfter,
        );
      }
    } catch {
      // not JSON: fall through to a generic message
    }
    return new ApiError(
      response.status,
      "HTTP_ERROR",
      `${response.status} ${response.statusText}`.trim(),
      requestId,
      undefined,
      retryAfter,
    );
  }
}

/** `Retry-After` is either delta-seconds or an HTTP date; undefined when absent or bad. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}
