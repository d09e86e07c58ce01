/**
 * A fake Telegram Bot API for tests (node:http on 127.0.0.1, port 0): getMe,
 * getUpdates (long poll with offset), sendMessage, answerCallbackQuery,
 * setWebhook, deleteWebhook, editMessageText, getFile and file downloads. Records
 * every call. Not part of the build.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ApiCall {
  method: string;
  body: Record<string, unknown>;
  at: number;
  /** What the fake answered (`result`), once it answered. */
  result?: unknown;
}

export interface TestUser {
  id: number;
  first_name: string;
  /** The Telegram client's language (IETF tag), as Telegram sends it in `from`. */
  language_code?: string;
}

/** The `from` of an update sent by a test user. */
function fromOf(user: TestUser): Record<string, unknown> {
  return {
    id: user.id,
    is_bot: false,
    first_name: user.first_name,
    ...(user.language_code === undefined ? {} : { language_code: user.language_code }),
  };
}

export class FakeBotApi {
  readonly calls: ApiCall[] = [];
  private readonly server: Server;
  private queue: Array<Record<string, unknown> & { update_id: number }> = [];
  private nextUpdateId = 1;
  private nextMessageId = 1;
  private waiters: Array<() => void> = [];
  /** Files the bot may download, by file_id; `size` is what getFile reports. */
  private readonly files = new Map<string, { bytes: Buffer; size: number | undefined }>();
  /** Chats whose sendMessage fails, with Telegram's error (a user who blocked the bot: 403). */
  private readonly failingChats = new Map<number, { code: number; description: string }>();
  /** Button URLs sendMessage refuses (Telegram refuses localhost and bare hosts). */
  private refusedButtonUrl: RegExp | undefined;
  url = "";
  /** getUpdates calls open now, and the most ever open at once (Telegram allows one: 409). */
  private pollsOpen = 0;
  maxConcurrentPolls = 0;

  constructor(private readonly pollWaitMs = 150) {
    this.server = createServer((request, response) => void this.handle(request, response));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const wake of this.waiters) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((call) => call.method === method);
  }

  /** Messages the bot sent to a chat (sendMessage and editMessageText texts). */
  textsTo(chatId: number): string[] {
    return this.calls
      .filter(
        (call) =>
          (call.method === "sendMessage" || call.method === "editMessageText") &&
          call.body.chat_id === chatId,
      )
      .map((call) => String(call.body.text));
  }

  /** Queues a text message from a user (a command when it starts with "/"). */
  pushText(user: TestUser, text: string): number {
    const update = this.textUpdate(user, text);
    this.queue.push(update);
    this.wake();
    return update.update_id;
  }

  /** A text message update, not queued (for posting to a webhook). */
  textUpdate(user: TestUser, text: string): Record<string, unknown> & { update_id: number } {
    const update_id = this.nextUpdateId++;
    const command = /^\/\w+/.exec(text);
    return {
      update_id,
      message: {
        message_id: this.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user.id, type: "private", first_name: user.first_name },
        from: fromOf(user),
        text,
        ...(command
          ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] }
          : {}),
      },
    };
  }

  /** Makes a file downloadable; getFile reports `reportedSize` (default its length; null: no size). */
  addFile(fileId: string, bytes: Buffer, reportedSize: number | null = bytes.length): void {
    this.files.set(fileId, { bytes, size: reportedSize ?? undefined });
  }

  /** Makes every sendMessage to the chat fail with this error (default: the bot was blocked). */
  failSendTo(
    chatId: number,
    error = { code: 403, description: "Forbidden: bot was blocked by the user" },
  ): void {
    this.failingChats.set(chatId, error);
  }

  /** Makes sendMessage refuse messages with a URL button matching the pattern (400). */
  refuseButtonUrls(pattern: RegExp | undefined): void {
    this.refusedButtonUrl = pattern;
  }

  /** Queues a photo message; `sizes` as Telegram sends them (smallest first). */
  pushPhoto(
    user: TestUser,
    sizes: Array<{ file_id: string; width: number; height: number; file_size?: number }>,
  ): number {
    return this.pushMessage(user, {
      photo: sizes.map((size) => ({ file_unique_id: `u-${size.file_id}`, ...size })),
    });
  }

  /** Queues a file sent as a document. */
  pushDocument(
    user: TestUser,
    document: { file_id: string; mime_type: string; file_name: string; file_size?: number },
  ): number {
    return this.pushMessage(user, {
      document: { file_unique_id: `u-${document.file_id}`, ...document },
    });
  }

  private pushMessage(user: TestUser, content: Record<string, unknown>): number {
    const update_id = this.nextUpdateId++;
    this.queue.push({
      update_id,
      message: {
        message_id: this.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user.id, type: "private", first_name: user.first_name },
        from: fromOf(user),
        ...content,
      },
    });
    this.wake();
    return update_id;
  }

  pushCallback(user: TestUser, data: string, messageId: number): string {
    const id = `cb${this.nextUpdateId}`;
    this.queue.push({
      update_id: this.nextUpdateId++,
      callback_query: {
        id,
        from: fromOf(user),
        chat_instance: "1",
        data,
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: user.id, type: "private", first_name: user.first_name },
          text: "Choose the company:",
        },
      },
    });
    this.wake();
    return id;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const download = /^\/file\/bot[^/]+\/(.+)$/.exec(request.url ?? "");
    if (download !== null) {
      const fileId = decodeURIComponent(download[1] ?? "").replace(/^photos\//, "");
      this.calls.push({ method: "download", body: { file_id: fileId }, at: Date.now() });
      const file = this.files.get(fileId);
      response.writeHead(file === undefined ? 404 : 200, {
        "content-type": "application/octet-stream",
      });
      response.end(file?.bytes ?? "");
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const body = (text === "" ? {} : JSON.parse(text)) as Record<string, unknown>;
    const match = /^\/bot[^/]+\/(\w+)$/.exec(request.url ?? "");
    const method = match?.[1] ?? "unknown";
    const call: ApiCall = { method, body, at: Date.now() };
    this.calls.push(call);
    const fail = (code: number, description: string) => {
      call.result = { ok: false, error_code: code, description };
      response.writeHead(code, { "content-type": "application/json" });
      response.end(JSON.stringify({ ok: false, error_code: code, description }));
    };
    const ok = (result: unknown) => {
      call.result = result;
      if (response.writableEnded || response.destroyed) return;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ ok: true, result }));
    };
    switch (method) {
      case "getMe":
        return ok({ id: 42, is_bot: true, first_name: "Test bot", username: "roa2web_test_bot" });
      case "setWebhook":
      case "deleteWebhook":
      case "answerCallbackQuery":
        return ok(true);
      case "getUpdates": {
        // Counted until the caller has its answer or went away (a poller that stopped).
        this.pollsOpen += 1;
        this.maxConcurrentPolls = Math.max(this.maxConcurrentPolls, this.pollsOpen);
        response.once("close", () => {
          this.pollsOpen -= 1;
        });
        const offset = Number(body.offset ?? 0);
        this.queue = this.queue.filter((update) => update.update_id >= offset);
        if (this.queue.length === 0 && body.limit === undefined) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, this.pollWaitMs);
            this.waiters.push(() => {
              clearTimeout(timer);
              resolve();
            });
          });
        }
        const limit = typeof body.limit === "number" ? body.limit : 100;
        return ok(this.queue.filter((update) => update.update_id >= offset).slice(0, limit));
      }
      case "getFile": {
        const fileId = String(body.file_id);
        const file = this.files.get(fileId);
        if (file === undefined) {
          response.writeHead(400, { "content-type": "application/json" });
          response.end(
            JSON.stringify({
              ok: false,
              error_code: 400,
              description: "Bad Request: invalid file_id",
            }),
          );
          return;
        }
        return ok({
          file_id: fileId,
          file_unique_id: `u-${fileId}`,
          ...(file.size === undefined ? {} : { file_size: file.size }),
          file_path: `photos/${fileId}`,
        });
      }
      case "sendMessage":
      case "editMessageText": {
        const failing =
          method === "sendMessage" ? this.failingChats.get(Number(body.chat_id)) : undefined;
        if (failing !== undefined) return fail(failing.code, failing.description);
        const urls = JSON.stringify(body.reply_markup ?? {}).match(/"url":"[^"]*"/g) ?? [];
        if (
          this.refusedButtonUrl !== undefined &&
          urls.some((url) => this.refusedButtonUrl?.test(url))
        ) {
          return fail(400, "Bad Request: BUTTON_URL_INVALID");
        }
        return ok({
          message_id: this.nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: body.chat_id, type: "private" },
          text: body.text,
        });
      }
      default:
        response.writeHead(404, { "content-type": "application/json" });
        response.end(JSON.stringify({ ok: false, error_code: 404, description: "Not Found" }));
    }
  }
}

/** What `linkChat` needs of a test kernel: `inject` with a bearer token. */
interface Injects {
  inject(options: {
    method: "POST";
    url: string;
    headers: Record<string, string>;
  }): Promise<{ json(): unknown }>;
}

/**
 * Links a Telegram user's chat to the roa2web account `bearer` signs in as: a link code
 * over HTTP, `/link <code>` in the chat, and the bot's reply awaited. Returns the reply.
 */
export async function linkChat(
  t: Injects,
  api: FakeBotApi,
  user: TestUser,
  bearer: string,
): Promise<string | undefined> {
  const response = await t.inject({
    method: "POST",
    url: "/api/telegram/auth/codes",
    headers: { authorization: `Bearer ${bearer}` },
  });
  const { code } = response.json() as { code: string };
  const before = api.textsTo(user.id).length;
  api.pushText(user, `/link ${code}`);
  await waitFor(() => api.textsTo(user.id).length > before, "the link reply");
  return api.textsTo(user.id).at(-1);
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
