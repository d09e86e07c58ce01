/**
 * One `http.Server` for the life of the process, and a *generation* of routes
 * behind it: a ready Fastify instance holding the kernel routes and the routes of
 * the plugins running at that moment. Fastify cannot remove routes, so a change of
 * plugins builds a new generation and swaps it in atomically; the old one keeps
 * serving the requests it already accepted and is closed once they finish.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import type { HeaderMiddleware } from "./security-headers.js";

interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
}

class Generation {
  inFlight = 0;
  private retired = false;
  private drainedResolve: (() => void) | undefined;

  constructor(
    readonly app: FastifyInstance,
    readonly id: number,
  ) {}

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
  /** Sets headers every response carries (security headers), before routing. */
  headers?: HeaderMiddleware;
}

const STARTING_BODY = JSON.stringify({
  error: { code: "STARTING", message: "The server is starting; try again in a moment" },
});

export class Switchboard {
  readonly server: http.Server;
  private current: Generation | undefined;
  private generationCount = 0;

  constructor(private readonly options: SwitchboardOptions) {
    this.server = http.createServer(this.handle);
    this.server.requestTimeout = options.requestTimeoutMs;
    this.server.headersTimeout = Math.min(60_000, options.requestTimeoutMs);
    this.server.keepAliveTimeout = options.keepAliveTimeoutMs;
  }

  private readonly handle = (
    request: http.IncomingMessage,
    response: http.ServerResponse,
  ): void => {
    const generation = this.current;
    if (!generation) {
      response.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
      response.end(STARTING_BODY);
      return;
    }
    generation.inFlight += 1;
    response.once("close", generation.release);
    const headers = this.options.headers;
    if (headers) headers(request, response, () => generation.app.routing(request, response));
    else generation.app.routing(request, response);
  };

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

  /** Stops accepting connections and waits for in-flight requests (bounded). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (!this.server.listening) return resolve();
      this.server.close(() => resolve());
    });
    this.server.closeIdleConnections();
    const generation = this.current;
    if (generation) {
      await this.closeGeneration(generation);
      this.current = undefined;
    }
    this.server.closeAllConnections();
    await closed;
  }
}
