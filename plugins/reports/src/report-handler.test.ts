/**
 * The shared handler of the cached report routes: an L1 hit is answered synchronously
 * (a body, not a promise), anything else through the async path, with the same
 * headers and body either way.
 */
import { describe, expect, it } from "vitest";
import type { CachedReport, ReportCaller } from "./contract.js";
import { CompanyNotGrantedError } from "./errors.js";
import { cachedReportHandler, type ReportSource } from "./report-handler.js";
import { defineReport } from "./reports/definition.js";

type Query = { company: number };
type Peek = (query: Query, caller: ReportCaller) => CachedReport<{ total: number }> | undefined;
type Serve = (query: Query, caller: ReportCaller) => Promise<CachedReport<{ total: number }>>;

const definition = defineReport<Query, undefined, { total: number }>({
  name: "dashboard",
  span: "period",
  filters: () => undefined,
  keyFilters: () => ({}),
  load: async () => ({ total: 7 }),
});

/** The report cache's two paths, as the handler calls them for `definition`. */
function source(peek: Peek, serve: Serve): ReportSource {
  return {
    peek: (report, query, caller) => {
      expect(report).toBe(definition);
      return peek(query as Query, caller) as never;
    },
    serve: (report, query, caller) => {
      expect(report).toBe(definition);
      return serve(query as Query, caller) as never;
    },
  };
}

const report: CachedReport<{ total: number }> = Object.freeze({
  report: Object.freeze({ total: 7 }),
  source: "HIT-L1" as const,
  storedAt: Date.now() - 3000,
});

function fakeReply() {
  const reply = {
    status: 200,
    headers: {} as Record<string, string | number>,
    header(name: string, value: string | number) {
      reply.headers[name.toLowerCase()] = value;
      return reply;
    },
    code(status: number) {
      reply.status = status;
      return reply;
    },
    type(contentType: string) {
      reply.headers["content-type"] = contentType;
      return reply;
    },
    serialize: (payload: unknown) => JSON.stringify(payload),
  };
  return reply;
}

function request(headers: Record<string, string> = {}) {
  return { query: { company: 1 }, user: { companies: [1] as readonly number[] } as never, headers };
}

describe("cachedReportHandler", () => {
  it("answers a hit synchronously, a miss through the async path, alike", async () => {
    const calls: string[] = [];
    let inMemory = false;
    const handler = cachedReportHandler(
      source(
        (query, caller) => {
          calls.push(`peek ${query.company} ${String(caller.companies)}`);
          return inMemory ? report : undefined;
        },
        async (query, caller) => {
          calls.push(`serve ${query.company} ${String(caller.companies)}`);
          return report;
        },
      ),
      definition,
    );

    const missReply = fakeReply();
    const slow = handler(request(), missReply);
    expect(slow).toBeInstanceOf(Promise);
    const slowBody = await slow;

    inMemory = true;
    const hitReply = fakeReply();
    const fast = handler(request(), hitReply);
    expect(Buffer.isBuffer(fast)).toBe(true);
    expect(fast).toEqual(slowBody);
    expect(String(fast)).toBe('{"total":7}');
    expect(hitReply.headers).toEqual(missReply.headers);
    expect(hitReply.headers["x-cache"]).toBe("HIT-L1");
    expect(hitReply.headers.age).toBe(3);
    expect(calls).toEqual(["peek 1 1", "serve 1 1", "peek 1 1"]);
  });

  it("answers 304 on the synchronous path to a client that holds the version", () => {
    const handler = cachedReportHandler(
      source(
        () => report,
        async () => report,
      ),
      definition,
    );
    const first = fakeReply();
    handler(request(), first);
    const held = fakeReply();
    expect(handler(request({ "if-none-match": String(first.headers.etag) }), held)).toBe("");
    expect(held.status).toBe(304);
  });

  it("throws what the peek throws (a 403) for Fastify's error handler", () => {
    const handler = cachedReportHandler(
      source(
        () => {
          throw new CompanyNotGrantedError(1);
        },
        async () => report,
      ),
      definition,
    );
    expect(() => handler(request(), fakeReply())).toThrow(CompanyNotGrantedError);
  });
});
