/**
 * One `http.Server` for the life of the process, and a *generation* of routes
 * behind it: a ready Fastify instance holding the kernel routes and the routes of
 * the plugins running at that moment. Fastify cannot remove routes, so a change of
 * plugins builds a new generation and swaps it in atomically; the old one keeps
 * serving the requests it already accepted and is closed once they finish.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { sseReconnectEvent } from "@roa2web/plugin-sdk";
import type { FastifyInstance } from "fastify";
import { type CachedReportLanes, lanesOf } from "./cached-report-lane.js";
import { keepTickObjectShape } from "./literal-shapes.js";
import { apiSecurityHeaderList, type HeaderSetter, isApiUrl } from "./security-headers.js";

interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

/** An id from a trusted proxy is kept when it is well-formed, so logs can be joined. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * A fresh id is this process's random prefix and a counter (`5f0c2a9e81d4-2s`): unique
 * across restarts, short, and a fraction of the cost of a UUID per request. It is a
 * handle for logs and support, not a secret.
 */
const PROCESS_PREFIX = randomBytes(6).toString("hex");
let requestCount = 0;

export function newRequestId(): string {
  requestCount += 1;
  return `${PROCESS_PREFIX}-${requestCount.toString(36)}`;
}

/** Whether the socket's peer is a proxy whose headers count (TRUST_PROXY, trust-proxy.ts). */
export type PeerTrust = (peer: string | undefined) => boolean;

const TRUST_NOBODY: PeerTrust = () => false;

/**
 * The client's `X-Request-Id` only from a trusted proxy: anyone else could plant ids
 * that collide with real ones or forge log lines under another request's id.
 */
export function requestIdOf(request: http.IncomingMessage, trustsPeer: PeerTrust): string {
  const incoming = request.headers["x-request-id"];
  return typeof incoming === "string" &&
    REQUEST_ID_PATTERN.test(incoming) &&
    trustsPeer(request.socket?.remoteAddress)
    ? incoming
    : newRequestId();
}

/**
 * What the switchboard keeps about a request until its response closes: its id, when
 * it started (access line), and the generation it counts towards until released
 * (once). One object, kept on both the request and the response under one symbol:
 * one shared `close` listener and no closure per request.
 */
const STATE = Symbol("roa2web.request");
interface RequestState {
  request: http.IncomingMessage;
  id: string;
  /** A JSON API URL (the API's security headers), decided once per request. */
  api: boolean;
  started: number;
  switchboard: Switchboard;
  generation: Generation | undefined;
}
type Tracked<T> = T & { [STATE]?: RequestState };

function release(state: RequestState | undefined): void {
  const generation = state?.generation;
  if (generation === undefined) return;
  (state as RequestState).generation = undefined;
  generation.release();
}

function onResponseClose(this: Tracked<http.ServerResponse>): void {
  const state = this[STATE];
  if (state === undefined) return;
  release(state);
  state.switchboard.logAccess(state.request, this, state.id, performance.now() - state.started);
}

/**
 * The id the switchboard gave this request; for a request that did not come through
 * it (Fastify's inject() in tests), the same rule applied here.
 */
export function switchboardRequestId(request: http.IncomingMessage, trustsPeer: PeerTrust): string {
  return (request as Tracked<http.IncomingMessage>)[STATE]?.id ?? requestIdOf(request, trustsPeer);
}

/** Whether the request's URL is a JSON API one, as the switchboard decided it. */
export function isApiRequest(request: http.IncomingMessage): boolean {
  return (request as Tracked<http.IncomingMessage>)[STATE]?.api ?? isApiUrl(request.url);
}

function isEventStream(request: http.IncomingMessage): boolean {
  return request.headers.accept?.includes("text/event-stream") === true;
}

class Generation {
  inFlight = 0;
  private retired = false;
  private drainedResolve: (() => void) | undefined;
  /** Its cached report hits answered before routing (cached-report-lane.ts). */
  readonly lanes: CachedReportLanes | undefined;

  constructor(
    readonly app: FastifyInstance,
    readonly id: number,
  ) {
    this.lanes = lanesOf(app);
  }

  readonly release = (): void => {
    this.inFlight -= 1;
    if (this.retired && this.inFlight === 0) this.drainedResolve?.();
  };

  /** Resolves when its last request finished, or after the timeout; says which. */
  retire(timeoutMs: number): Promise<boolean> {
    this.retired = true;
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
      this.drainedResolve = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }
}

export interface SwitchboardOptions {
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  drainTimeoutMs: number;
  logger: Logger;
  /** Sets headers before routing on answers that are not JSON API ones (documents). */
  headers?: HeaderSetter;
  /** Peers whose X-Request-Id is kept (TRUST_PROXY); nobody's when absent. */
  trustsPeer?: PeerTrust;
  /** One line per request, or only for errors and slow requests. */
  accessLog: { everyRequest: boolean; slowRequestMs: number; logger: Logger };
}

const STARTING_BODY = JSON.stringify({
  error: { code: "STARTING", message: "The server is starting; try again in a moment" },
});

/** What Node's HTTP parser could not take, as the status and code to answer with. */
function clientErrorStatus(code: string | undefined): [number, string, string] {
  switch (code) {
    case "HPE_HEADER_OVERFLOW":
      return [431, "HEADERS_TOO_LARGE", "The request's headers are too large"];
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return [408, "REQUEST_TIMEOUT", "The request took too long to arrive"];
    default:
      return [400, "BAD_REQUEST", "The request is not valid HTTP"];
  }
}

/** The API's security headers (nosniff, no-store, CSP…), as raw header lines. */
const API_HEADER_LINES = apiSecurityHeaderList()
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join("");

/**
 * A request Node's HTTP parser rejects (a malformed request line or header, headers
 * over the limit, too slow) never reaches a route: Node would answer a bare status line
 * with no body. Answer in the API's error shape instead, then close the connection.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // The client is gone, or an answer already started: nothing can be written.
  const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || started?.headersSent) {
    socket.destroy();
    return;
  }
  const [status, code, message] = clientErrorStatus(error.code);
  const id = newRequestId();
  const body = JSON.stringify({ error: { code, message, request_id: id } });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n` +
      "content-type: application/json; charset=utf-8\r\n" +
      `content-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${id}\r\n` +
      API_HEADER_LINES +
      "connection: close\r\n\r\n" +
      body,
  );
}

/**
 * HTTP/1.1 requires `Host` (RFC 9112 §3.2). Node refuses a request without it with a
 * bare 400 before any handler runs; the server lets it through (requireHostHeader off)
 * and refuses it here, in the API's error shape, like other requests the parser takes
 * badly. HTTP/1.0 has no such rule.
 */
function lacksRequiredHost(request: http.IncomingMessage): boolean {
  return (
    request.headers.host === undefined &&
    request.httpVersionMajor === 1 &&
    request.httpVersionMinor >= 1
  );
}

function answerMissingHost(response: http.ServerResponse, id: string): void {
  const body = JSON.stringify({
    error: {
      code: "BAD_REQUEST",
      message: "An HTTP/1.1 request needs a Host header",
      request_id: id,
    },
  });
  response.shouldKeepAlive = false;
  response.writeHead(400, {
    ...Object.fromEntries(apiSecurityHeaderList()),
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "x-request-id": id,
    connection: "close",
  });
  response.end(body);
}

/** A connection that carries an event stream: a drain does not wait for it (see drain()). */
const EVENT_STREAM = Symbol("roa2web.eventStream");
/** A connection being passed to another process. */
const PASSING = Symbol("roa2web.passing");
type TrackedSocket = net.Socket & {
  [EVENT_STREAM]?: true;
  [PASSING]?: true;
  /** Node's current response on this connection (long-standing, undocumented). */
  _httpMessage?: http.ServerResponse | null;
  _handle?: { readStop(): number; reading?: boolean } | null;
};

/** Hands an idle connection's handle to the process that serves next; resolves once sent. */
export type PassConnection = (handle: object) => Promise<void>;

/**
 * Node's own list of the server's connections with their HTTP parsers (Node ≥ 18.2):
 * the only exact answer to "has a byte of the next request arrived on this connection".
 */
function idleByParser(server: http.Server): Set<net.Socket> | undefined {
  const key = Object.getOwnPropertySymbols(server).find(
    (symbol) => symbol.description === "http.server.connections",
  );
  const list = key ? (server as unknown as Record<symbol, unknown>)[key] : undefined;
  if (!list || typeof (list as { idle?: unknown }).idle !== "function") return undefined;
  const parsers = (list as { idle(): { socket?: net.Socket }[] }).idle();
  return new Set(parsers.flatMap((parser) => (parser.socket ? [parser.socket] : [])));
}

export class Switchboard {
  readonly server: http.Server;
  private current: Generation | undefined;
  private generationCount = 0;
  /** Open Server-Sent Events responses: ended with a reconnect event when the kernel stops. */
  private readonly eventStreams = new Set<http.ServerResponse>();
  /** Open connections (also the ones another process passed on): a drain waits for them. */
  private readonly connections = new Set<TrackedSocket>();
  private draining: { pass: PassConnection; settled: () => void } | undefined;

  constructor(private readonly options: SwitchboardOptions) {
    // Every response queues ticks: keep their map alive (literal-shapes.ts).
    keepTickObjectShape();
    this.server = http.createServer({ requireHostHeader: false }, this.handle);
    this.server.requestTimeout = options.requestTimeoutMs;
    this.server.headersTimeout = Math.min(60_000, options.requestTimeoutMs);
    this.server.keepAliveTimeout = options.keepAliveTimeoutMs;
    this.server.on("clientError", answerClientError);
    this.server.on("connection", (socket: TrackedSocket) => {
      this.connections.add(socket);
      socket.once("close", () => {
        this.connections.delete(socket);
        this.draining?.settled();
      });
    });
  }

  /**
   * Every request passes here once, whatever generation serves it: the request id is
   * fixed (and echoed) here, the access log is written here when the response closes.
   */
  private readonly handle = (
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): void => {
    const started = performance.now();
    const id = requestIdOf(request, this.options.trustsPeer ?? TRUST_NOBODY);
    if (lacksRequiredHost(request)) {
      answerMissingHost(response, id);
      return;
    }
    const generation = this.current;
    if (!generation) {
      response.writeHead(503, {
        "content-type": "application/json",
        "retry-after": "1",
        "x-request-id": id,
      });
      response.end(STARTING_BODY);
      return;
    }
    // An event stream (Server-Sent Events) stays open for minutes: it does not hold up
    // a generation swap. The plugin serving it closes its streams when it stops.
    const stream = isEventStream(request);
    const counted = stream ? undefined : generation;
    if (counted) counted.inFlight += 1;
    else (request.socket as TrackedSocket)[EVENT_STREAM] = true;
    if (stream) {
      this.eventStreams.add(response);
      response.once("close", () => this.eventStreams.delete(response));
    }
    // Replaced by a new kernel: this connection moves to it once this answer is sent.
    if (this.draining) this.passAfter(response, request.socket);
    // Fastify's genReqId reads the id from here, so logs, errors and the header agree.
    const api = isApiUrl(request.url);
    const state: RequestState = {
      request,
      id,
      api,
      started,
      switchboard: this,
      generation: counted,
    };
    (request as Tracked<http.IncomingMessage>)[STATE] = state;
    (response as Tracked<http.ServerResponse>)[STATE] = state;
    response.on("close", onResponseClose);
    // API answers get theirs from the generation (see security-headers.ts).
    if (!api) this.options.headers?.(request, response);
    else if (generation.lanes?.serve(request, response, id)) return;
    generation.app.routing(request, response);
  };

  /** Writes the access line for errors and slow requests (or every request, if asked). */
  logAccess(
    request: http.IncomingMessage,
    response: http.ServerResponse,
    id: string,
    ms: number,
  ): void {
    const { everyRequest, slowRequestMs, logger } = this.options.accessLog;
    const status = response.statusCode;
    const slow = ms >= slowRequestMs;
    if (!everyRequest && !slow && status < 400) return;
    const line = {
      module: "http",
      reqId: id,
      method: request.method,
      url: request.url,
      statusCode: status,
      ms: Math.round(ms),
      // The client went away before the answer was complete.
      aborted: response.writableFinished ? undefined : true,
    };
    if (status >= 500) logger.error(line, "request completed");
    else if (slow || status >= 400) logger.warn(line, "request completed");
    else logger.info(line, "request completed");
  }

  /**
   * Stops counting this request towards its generation's drain. For kernel requests
   * that themselves swap generations (plugin enable / disable / reload): the swap
   * waits for the old generation to drain, which would otherwise include the very
   * request waiting for it, until the drain timeout.
   */
  static excludeFromDrain(request: http.IncomingMessage): void {
    release((request as Tracked<http.IncomingMessage>)[STATE]);
  }

  get generation(): number {
    return this.current?.id ?? 0;
  }

  get activeApp(): FastifyInstance | undefined {
    return this.current?.app;
  }

  /** Puts a ready instance in front; drains and closes the previous one. */
  async swap(app: FastifyInstance): Promise<void> {
    const previous = this.current;
    this.generationCount += 1;
    this.current = new Generation(app, this.generationCount);
    if (previous) await this.closeGeneration(previous);
  }

  private async closeGeneration(generation: Generation): Promise<void> {
    const drained = await generation.retire(this.options.drainTimeoutMs);
    if (!drained) {
      this.options.logger.warn(
        {
          generation: generation.id,
          inFlight: generation.inFlight,
          drainTimeoutMs: this.options.drainTimeoutMs,
        },
        "Requests still running on a retired route generation after the drain timeout; closing it anyway",
      );
    }
    await generation.app.close();
  }

  /**
   * Passes a connection on once its current answer is sent (while draining). Node's
   * own finish handler runs first and detaches the response: the socket is captured.
   */
  private passAfter(response: http.ServerResponse, socket: net.Socket): void {
    const marked = response as http.ServerResponse & { [PASSING]?: true };
    if (marked[PASSING]) return;
    marked[PASSING] = true;
    response.once("finish", () => this.passOn(socket));
  }

  /**
   * Moves an idle connection to the process serving next: reading stops first, so a
   * request the client is sending stays in the socket's buffer and is read by the next
   * process — never lost, never answered by a closed socket. A connection with an
   * answer under way, or a request partly received, moves after its answer.
   */
  private passOn(socket: TrackedSocket, idle = idleByParser(this.server)): void {
    const draining = this.draining;
    if (!draining || socket.destroyed || socket[PASSING] || socket[EVENT_STREAM]) return;
    const answering = socket._httpMessage;
    if (answering) {
      this.passAfter(answering, socket);
      return;
    }
    // Bytes of a request arrived but not all of it: its handler will pass it on.
    if (idle !== undefined && !idle.has(socket)) return;
    const handle = socket._handle;
    if (!handle) return;
    socket[PASSING] = true;
    handle.reading = false;
    handle.readStop();
    draining.pass(handle).then(
      () => socket.destroy(),
      (error: unknown) => {
        this.options.logger.warn({ err: error }, "Could not pass a connection on; closing it");
        socket.destroy();
      },
    );
  }

  /**
   * Replaced by a new kernel process that accepts on the same socket: stop accepting
   * (without closing idle connections, as `server.close()` would), pass every
   * keep-alive connection to the new process once it is idle, and resolve when only
   * event streams are left (they end when the plugins stop) or after the drain timeout.
   */
  drain(pass: PassConnection): Promise<boolean> {
    if (this.server.listening) net.Server.prototype.close.call(this.server);
    return new Promise((resolve) => {
      const remaining = () => [...this.connections].filter((socket) => !socket[EVENT_STREAM]);
      let timer: NodeJS.Timeout | undefined;
      const settled = () => {
        if (remaining().length > 0) return;
        clearTimeout(timer);
        resolve(true);
      };
      timer = setTimeout(() => {
        this.options.logger.warn(
          { connections: remaining().length, drainTimeoutMs: this.options.drainTimeoutMs },
          "Connections still busy after the drain timeout; closing them",
        );
        resolve(false);
      }, this.options.drainTimeoutMs);
      timer.unref();
      this.draining = { pass, settled };
      const idle = idleByParser(this.server);
      for (const socket of [...this.connections]) this.passOn(socket, idle);
      settled();
    });
  }

  /** Serves a connection another process passed on (a raw TCP handle). */
  adopt(handle: object): void {
    const socket = new net.Socket({
      handle,
      readable: true,
      writable: true,
    } as net.SocketConstructorOpts);
    socket.setNoDelay(true);
    this.server.emit("connection", socket);
  }

  /** Listens on a socket another process bound (the supervisor's). */
  async listenOn(handle: object): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(handle, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  async listen(port: number, host: string): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    return this.server.address() as AddressInfo;
  }

  /**
   * Ends every open event stream with a `reconnect` event (ADR 0026): a stream never
   * drains by itself, and cutting its connection would look like an error to the
   * client. Done first, so the last bytes leave before the connections are closed.
   */
  private endEventStreams(): void {
    for (const response of this.eventStreams) {
      // A refusal (401, 404) to an event-stream request is an ordinary JSON answer.
      if (!response.headersSent || response.writableEnded || response.statusCode !== 200) continue;
      response.end(sseReconnectEvent("server-stopping"));
    }
    this.eventStreams.clear();
  }

  /** Stops accepting connections and waits for in-flight requests (bounded). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
    this.server.closeIdleConnections();
    this.endEventStreams();
    const generation = this.current;
    if (generation) {
      await this.closeGeneration(generation);
      this.current = undefined;
    }
    this.server.closeAllConnections();
    await closed;
  }
}
