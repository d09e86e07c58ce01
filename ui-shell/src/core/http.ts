/**
 * `api`: the one way the shell and plugin UIs call the server. Adds the access token,
 * retries once after a refresh when the token was refused, turns error bodies into
 * `ApiError`, and downloads files (exports) through the same authorisation.
 */
import { ApiError } from "./api-error.js";
import { session } from "./session.js";

export type Query = Record<string, string | number | boolean | null | undefined>;

export interface RequestOptions {
  query?: Query | undefined;
  signal?: AbortSignal | undefined;
  headers?: Record<string, string> | undefined;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes("?") ? "&" : "?"}${text}` : path;
}

async function send(
  method: string,
  path: string,
  body: BodyInit | undefined,
  options: RequestOptions,
  json: boolean,
): Promise<Response> {
  const attempt = () => {
    const headers: Record<string, string> = { accept: "application/json", ...options.headers };
    if (json) headers["content-type"] = "application/json";
    if (session.accessToken) headers.authorization = `Bearer ${session.accessToken}`;
    return fetch(withQuery(path, options.query), {
      method,
      headers,
      body,
      signal: options.signal ?? null,
      credentials: "same-origin",
    });
  };
  let response: Response;
  try {
    response = await attempt();
    if (response.status === 401 && session.signedIn && (await session.recoverFromUnauthorized())) {
      response = await attempt();
    }
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "NETWORK", "The server cannot be reached. Check the connection.");
  }
  if (!response.ok) throw await ApiError.fromResponse(response);
  return response;
}

async function parse<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const type = response.headers.get("content-type") ?? "";
  return (type.includes("json") ? await response.json() : await response.text()) as T;
}

function jsonBody(body: unknown): string | undefined {
  return body === undefined ? undefined : JSON.stringify(body);
}

export const api = {
  async get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return parse<T>(await send("GET", path, undefined, options, false));
  },
  async post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return parse<T>(await send("POST", path, jsonBody(body ?? {}), options, true));
  },
  async put<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return parse<T>(await send("PUT", path, jsonBody(body ?? {}), options, true));
  },
  async patch<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return parse<T>(await send("PATCH", path, jsonBody(body ?? {}), options, true));
  },
  async delete<T = void>(path: string, options: RequestOptions = {}): Promise<T> {
    return parse<T>(await send("DELETE", path, undefined, options, false));
  },
  /** multipart/form-data (uploads); the browser sets the boundary. */
  async upload<T>(path: string, form: FormData, options: RequestOptions = {}): Promise<T> {
    return parse<T>(await send("POST", path, form, options, false));
  },
  /** A file the server sends (an attachment, an image to preview) as a Blob. */
  async blob(path: string, options: RequestOptions = {}): Promise<Blob> {
    const response = await send(
      "GET",
      path,
      undefined,
      { ...options, headers: { accept: "*/*", ...options.headers } },
      false,
    );
    return response.blob();
  },
  /** The raw response, for streams (Server-Sent Events read with fetch). */
  async stream(path: string, options: RequestOptions = {}): Promise<Response> {
    return send(
      "GET",
      path,
      undefined,
      { ...options, headers: { accept: "text/event-stream" } },
      false,
    );
  },
  /**
   * Downloads a file the server builds (an Excel or PDF export) with the user's
   * authorisation, saving it under the server's file name.
   */
  async download(path: string, options: RequestOptions = {}): Promise<string> {
    const response = await send(
      "GET",
      path,
      undefined,
      { ...options, headers: { accept: "*/*" } },
      false,
    );
    const disposition = response.headers.get("content-disposition") ?? "";
    const name =
      /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ??
      /filename="?([^";]+)"?/i.exec(disposition)?.[1] ??
      path.split("/").pop() ??
      "download";
    const fileName = decodeURIComponent(name);
    const url = URL.createObjectURL(await response.blob());
    const link = document.createElement("a");
    link.href = url;
    link.download = fileName;
    link.rel = "external";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30_000);
    return fileName;
  },
};

/**
 * Reads a Server-Sent Events stream with fetch (so the authorisation header goes
 * along, which EventSource cannot do) and calls `onEvent` for each event.
 */
export async function readEvents(
  path: string,
  onEvent: (event: { event: string; data: unknown }) => void,
  signal?: AbortSignal,
): Promise<void> {
  const response = await api.stream(path, { signal });
  const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
  if (!reader) return;
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0) {
        const text = data.join("\n");
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // plain text data
        }
        onEvent({ event, data: parsed });
      }
      end = buffer.indexOf("\n\n");
    }
  }
}
