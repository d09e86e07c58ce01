/**
 * Compiled route validators (Ajv) and response serializers (fast-json-stringify),
 * shared by every route generation. Each reload, enable or disable builds a new
 * Fastify instance for all routes (ADR 0002), and Fastify compiles every schema of
 * every route again: Ajv and fast-json-stringify generate JavaScript source and turn it
 * into functions, so each generation parsed and compiled thousands of new functions:
 * most of a reload's time (reports: median 429 ms before, 103 ms after) and a large
 * share of what it allocated (docs/performance.md).
 *
 * A compiled function depends only on its schema, the shared schemas it may `$ref`,
 * and the compiler's options, so it is kept under those, written as JSON: the same
 * schema in the next generation (a new object — bounded-numbers.ts copies every input
 * schema) gets the same function without compiling. A plugin whose schemas change
 * (new code after a rescan) adds entries; the least recently used are dropped past
 * MAX_ENTRIES, so the cache stays bounded.
 */
import { LRUCache } from "lru-cache";

/** Far above the kernel's and the plugins' ~400 route schemas together. */
const MAX_ENTRIES = 5000;

// biome-ignore lint/suspicious/noExplicitAny: compiled validators and serializers of any shape
type Compiled = (...args: any[]) => any;

export interface SchemaCompileStats {
  hits: number;
  misses: number;
  size: number;
}

export class CompiledSchemaCache {
  private readonly entries = new LRUCache<string, Compiled>({ max: MAX_ENTRIES });
  private hits = 0;
  private misses = 0;

  /**
   * The function compiled for `schema` under `context` (the compiler, its options and
   * the shared schemas, as a string); `compile` runs only on a miss. A schema that
   * JSON cannot represent faithfully (a function inside) is compiled every time.
   */
  get(context: string | undefined, schema: unknown, compile: () => Compiled): Compiled {
    const text = context === undefined ? undefined : faithfulJson(schema);
    if (text === undefined) return compile();
    const key = `${context}\u0000${text}`;
    const found = this.entries.get(key);
    if (found) {
      this.hits += 1;
      return found;
    }
    this.misses += 1;
    const compiled = compile();
    this.entries.set(key, compiled);
    return compiled;
  }

  stats(): SchemaCompileStats {
    return { hits: this.hits, misses: this.misses, size: this.entries.size };
  }
}

/** JSON of the value, or undefined when it holds something JSON would drop or change. */
function faithfulJson(value: unknown): string | undefined {
  let faithful = true;
  const text = JSON.stringify(value, (_key, inner: unknown) => {
    if (typeof inner === "function" || typeof inner === "bigint" || inner instanceof RegExp)
      faithful = false;
    return typeof inner === "bigint" ? String(inner) : inner;
  });
  return faithful ? text : undefined;
}

/**
 * What a compiled function depends on besides its schema: the compiler, its options
 * and the shared schemas a Fastify context hands its compiler factory. Undefined when
 * JSON cannot represent them (nothing is cached then).
 */
export function contextKey(
  kind: string,
  externalSchemas: unknown,
  options: unknown,
): string | undefined {
  const externals = faithfulJson(externalSchemas ?? {});
  const settings = faithfulJson(options ?? {});
  if (externals === undefined || settings === undefined) return undefined;
  return `${kind}\u0000${externals}\u0000${settings}`;
}
