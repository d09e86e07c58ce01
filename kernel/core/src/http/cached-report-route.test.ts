/**
 * The kernel's server of a `defineCachedReport` declaration, over the real cache: the
 * company grant before anything of the plugin runs, an L1 hit answered synchronously
 * with the bytes and headers of the miss that stored it, 304 for a held ETag, and the
 * declaration's `otherwise` answering first.
 */
import { type AuthUser, cachedReportDeclarationOf, defineCachedReport } from "@roa2web/plugin-sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCache } from "../cache/create-cache.js";
import type { TwoLevelCache } from "../cache/two-level-cache.js";
import { type CachedReportHttpRequest, serveCachedReport } from "./cached-report-route.js";

let cache: TwoLevelCache;
beforeEach(async () => {
  cache = await createCache({ url: "memory://" });
});
afterEach(async () => {
  await cache.close();
});

interface Query {
  company: number;
  format?: string;
}

function user(companies: AuthUser["companies"]): AuthUser {
  return { id: 1, username: "u", displayName: "U", permissions: [], companies };
}

function request(
  query: Query,
  who: AuthUser | null = user([1]),
  headers: Record<string, string> = {},
): CachedReportHttpRequest {
  // As Fastify's: the raw URL, which the route remembers a query by.
  const url = `/report?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`;
  return { query, url, user: who, id: "req-1", headers };
}

function fakeReply() {
  const reply = {
    status: 200,
    headers: {} as Record<string, string | number>,
    header(name: string, value: string | number) {
      reply.headers[name] = value;
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

/** A report whose context is remembered after the first request, like the reports plugin's periods. */
function declared(
  calls: string[],
  options: { otherwise?: boolean; seen?: unknown[]; refuse?: number } = {},
) {
  const remembered = new Set<number>();
  return defineCachedReport<Query, { company: number }, { company: number; total: number }>({
    company: (query) => query.company,
    prepare: ({ query }) => {
      calls.push(`prepare ${query.company}`);
      options.seen?.push(query);
      if (query.company === options.refuse) {
        throw Object.assign(new Error("no such company"), { statusCode: 404 });
      }
      if (remembered.has(query.company)) return { company: query.company };
      remembered.add(query.company);
      return Promise.resolve({ company: query.company });
    },
    key: (context) => `total:${context.company}`,
    ttl: () => 60_000,
    load: async (context) => {
      calls.push(`load ${context.company}`);
      return { company: context.company, total: 7 };
    },
    ...(options.otherwise && {
      otherwise: ({ query }) => (query.format === "file" ? "the file" : undefined),
    }),
  });
}

function served(
  calls: string[],
  options?: { otherwise?: boolean; seen?: unknown[]; refuse?: number; remember?: number },
) {
  const declaration = cachedReportDeclarationOf(declared(calls, options));
  if (!declaration) throw new Error("not a cached report route");
  return serveCachedReport(declaration, cache.namespaced("plugin"), options?.remember);
}

describe("serveCachedReport", () => {
  it("answers a hit synchronously with the miss's bytes and headers", async () => {
    const calls: string[] = [];
    const handler = served(calls);
    const missReply = fakeReply();
    const miss = handler(request({ company: 1 }), missReply);
    expect(miss).toBeInstanceOf(Promise);
    const missBody = await miss;
    expect(missReply.headers["x-cache"]).toBe("MISS");
    expect(missReply.headers.age).toBe(0);

    const hitReply = fakeReply();
    const hit = handler(request({ company: 1 }), hitReply);
    expect(Buffer.isBuffer(hit)).toBe(true);
    expect(hit).toEqual(missBody);
    expect(String(hit)).toBe('{"company":1,"total":7}');
    expect(hitReply.headers["x-cache"]).toBe("HIT-L1");
    expect(hitReply.headers.etag).toBe(missReply.headers.etag);
    expect(hitReply.headers["cache-control"]).toBe("private, no-cache");
    expect(hitReply.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(calls).toEqual(["prepare 1", "load 1", "prepare 1"]);
  });

  it("answers 304 to a client that holds the version", async () => {
    const handler = served([]);
    const first = fakeReply();
    await handler(request({ company: 1 }), first);
    const held = fakeReply();
    const etag = String(first.headers.etag);
    expect(handler(request({ company: 1 }, user([1]), { "if-none-match": etag }), held)).toBe("");
    expect(held.status).toBe(304);
  });

  it("refuses a company the caller is not granted before the plugin's code runs", async () => {
    const calls: string[] = [];
    const handler = served(calls);
    await handler(request({ company: 1 }, user("*")), fakeReply());
    expect(() => handler(request({ company: 1 }, user([2])), fakeReply())).toThrow(
      expect.objectContaining({ statusCode: 403, details: { company: 1 } }),
    );
    expect(() => handler(request({ company: 1 }, null), fakeReply())).toThrow(
      expect.objectContaining({ statusCode: 401 }),
    );
    expect(calls).toEqual(["prepare 1", "load 1"]);
  });

  it("lets the declaration answer otherwise first (a file), and serves the report otherwise", async () => {
    const calls: string[] = [];
    const handler = served(calls, { otherwise: true });
    expect(handler(request({ company: 1, format: "file" }), fakeReply())).toBe("the file");
    expect(calls).toEqual([]);
    expect(String(await handler(request({ company: 1 }), fakeReply()))).toContain('"total":7');
  });

  it("hands prepare the same frozen query for the same query string, a new one for another", async () => {
    const seen: unknown[] = [];
    const handler = served([], { seen });
    await handler(request({ company: 1 }), fakeReply());
    handler(request({ company: 1 }), fakeReply());
    handler(request({ company: 1 }), fakeReply());
    await handler(request({ company: 2 }, user([1, 2])), fakeReply());
    expect(seen).toHaveLength(4);
    expect(seen[1]).toBe(seen[0]);
    expect(seen[2]).toBe(seen[0]);
    expect(seen[3]).not.toBe(seen[0]);
    expect(seen[3]).toEqual({ company: 2 });
    expect(Object.isFrozen(seen[0])).toBe(true);
    expect(handler.rememberedQueries).toBe(2);
  });

  it("checks the grant of every caller of a remembered query string", async () => {
    const calls: string[] = [];
    const handler = served(calls);
    await handler(request({ company: 1 }, user([1])), fakeReply());
    expect(Buffer.isBuffer(handler(request({ company: 1 }, user([1])), fakeReply()))).toBe(true);
    // The same query string, remembered: another caller without the grant is still refused.
    for (let attempt = 0; attempt < 2; attempt++) {
      expect(() => handler(request({ company: 1 }, user([2])), fakeReply())).toThrow(
        expect.objectContaining({ statusCode: 403, details: { company: 1 } }),
      );
    }
    expect(Buffer.isBuffer(handler(request({ company: 1 }, user("*")), fakeReply()))).toBe(true);
    expect(calls).toEqual(["prepare 1", "load 1", "prepare 1", "prepare 1"]);
  });

  it("never remembers a query that prepare refused: refused the same way each time", async () => {
    const calls: string[] = [];
    const seen: unknown[] = [];
    const handler = served(calls, { seen, refuse: 9 });
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(() => handler(request({ company: 9 }, user("*")), fakeReply())).toThrow(
        expect.objectContaining({ statusCode: 404, message: "no such company" }),
      );
    }
    expect(handler.rememberedQueries).toBe(0);
    expect(new Set(seen).size).toBe(3); // a fresh copy each time, none kept
    expect(calls).toEqual(["prepare 9", "prepare 9", "prepare 9"]);
  });

  it("remembers a bounded number of query strings, the least recently used going first", async () => {
    const seen: unknown[] = [];
    const handler = served([], { seen, remember: 3 });
    const everyone = user("*");
    for (let company = 1; company <= 5; company++) {
      await handler(request({ company }, everyone), fakeReply());
    }
    expect(handler.rememberedQueries).toBe(3);
    // 5, 4 and 3 are remembered; 1 went: it is copied afresh and remembered again.
    handler(request({ company: 5 }, everyone), fakeReply());
    expect(seen.at(-1)).toBe(seen[4]);
    await handler(request({ company: 1 }, everyone), fakeReply());
    expect(seen.at(-1)).not.toBe(seen[0]);
    expect(handler.rememberedQueries).toBe(3);
  });

  it("answers a remembered query afresh once the cache entry is invalidated", async () => {
    const calls: string[] = [];
    const handler = served(calls);
    await handler(request({ company: 1 }), fakeReply());
    handler(request({ company: 1 }), fakeReply());
    await cache.namespaced("plugin").invalidatePrefix("total:1");
    const after = fakeReply();
    const answer = handler(request({ company: 1 }), after);
    expect(answer).toBeInstanceOf(Promise);
    await answer;
    expect(after.headers["x-cache"]).toBe("MISS");
    const again = fakeReply();
    handler(request({ company: 1 }), again);
    expect(again.headers["x-cache"]).toBe("HIT-L1");
    expect(calls.filter((call) => call.startsWith("load"))).toEqual(["load 1", "load 1"]);
  });

  it("is served by the kernel only: the declared handler alone refuses to run", () => {
    expect(() => declared([])({ query: { company: 1 } })).toThrow(/served by the roa2web kernel/);
  });
});
