/**
 * Sends a cached report: its origin and age (`X-Cache`, `Age`), an `ETag`, and the body
 * serialised once per cached value. An L1 hit returns the very same frozen object each
 * time, so its JSON (by the route's response schema) and ETag are kept beside it in a
 * WeakMap: a hit neither re-serialises thousands of lines nor hashes them again, and
 * a client that already holds this version gets a bodiless 304.
 */
import { createHash } from "node:crypto";
import { ageSeconds } from "./cache-policy.js";
import type { CachedReport } from "./contract.js";

interface Serialised {
  /** UTF-8 bytes: Fastify sends a Buffer as it is (no schema serialisation, no encoding, its length known). */
  json: Buffer;
  etag: string;
}

const serialisedReports = new WeakMap<object, Serialised>();

export interface ReportReply {
  header(name: string, value: string | number): unknown;
  code(status: number): unknown;
  type(contentType: string): unknown;
  serialize(payload: unknown): string | ArrayBuffer | Buffer;
}

export function withCacheHeaders<T>(
  request: { headers: Record<string, string | string[] | undefined> },
  reply: ReportReply,
  cached: CachedReport<T>,
): string | Buffer {
  // Lower-case names: Fastify lower-cases every name it is given, and an upper-case
  // literal became a new string per answer, hashed and looked up as a property key.
  reply.header("x-cache", cached.source);
  reply.header("age", cached.source === "MISS" ? 0 : ageSeconds(cached.storedAt, Date.now()));
  const report = cached.report as unknown as object;
  let serialised = serialisedReports.get(report);
  if (!serialised) {
    const serialized = reply.serialize(report);
    const json = Buffer.isBuffer(serialized)
      ? serialized
      : serialized instanceof ArrayBuffer
        ? Buffer.from(serialized)
        : Buffer.from(serialized, "utf8");
    const etag = `"${createHash("sha1").update(json).digest("base64url")}"`;
    serialised = { json, etag };
    serialisedReports.set(report, serialised);
  }
  reply.header("etag", serialised.etag);
  // Over the API's `no-store`: the browser may keep a report in its private cache, but
  // must revalidate it each time, which is what lets it send If-None-Match for a 304.
  reply.header("cache-control", "private, no-cache");
  reply.type("application/json; charset=utf-8");
  const held = request.headers["if-none-match"];
  if (typeof held === "string" && held.split(/\s*,\s*/).includes(serialised.etag)) {
    reply.code(304);
    return "";
  }
  return serialised.json;
}
