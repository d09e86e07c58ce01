/**
 * How route schemas are compiled: Fastify's own Ajv compiler, twice. Query strings,
 * path parameters and headers arrive as text, so Ajv coerces them to the schema's
 * types ("10" → 10, one value → an array of one). A JSON body already carries its
 * types: coercing it would accept `"total": "10"` or `"total": true` as a number (true
 * becomes 1), and a client's mistake would be stored as a different value instead of
 * being sent back. JSON bodies are therefore validated without coercion (Fastify's
 * documented way: one compiler per `httpPart`).
 *
 * Compiled validators and serializers are shared by every route generation
 * (compiled-schemas.ts): a reload compiles only schemas it has not seen.
 */
import { AjvCompiler } from "@fastify/ajv-compiler";
import { SerializerSelector } from "@fastify/fast-json-stringify-compiler";
import type { FastifySchemaCompiler, FastifyServerOptions } from "fastify";
import { CompiledSchemaCache, contextKey } from "./compiled-schemas.js";

/** Ajv settings shared by every part of a request. */
const SHARED = {
  // true lets one request make Ajv collect every error of a large body (a DoS).
  allErrors: false,
  removeAdditional: false,
  useDefaults: true,
  // Ajv's default (true) skips `minimum`/`maximum` for a number it coerced from
  // "Infinity"; off, those checks run, and bounded-numbers.ts bounds every number.
  strictNumbers: false,
} as const;

/** The options of text parts (querystring, params, headers). */
export const TEXT_PART_AJV_OPTIONS = { ...SHARED, coerceTypes: "array" as const };
/** The options of JSON bodies: a value's JSON type is part of the contract. */
export const BODY_AJV_OPTIONS = { ...SHARED, coerceTypes: false as const };

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;
type ValidatorFactory = CompilersFactory["buildValidator"];
type SerializerFactory = CompilersFactory["buildSerializer"];
type ExternalSchemas = Parameters<ReturnType<typeof AjvCompiler>>[0];
type RouteSchema = Parameters<FastifySchemaCompiler<unknown>>[0];
/** What the pooled compiler really takes (its declared type says an Ajv schema). */
type RouteCompiler = (route: RouteSchema) => ReturnType<FastifySchemaCompiler<unknown>>;

/** One per process: what the routes of every generation compiled (see compiled-schemas.ts). */
const compiled = new CompiledSchemaCache();

/** How often a route schema was compiled or taken from the shared cache (tests, benchmarks). */
export function compiledSchemaStats() {
  return compiled.stats();
}

/**
 * Fastify's `schemaController` option: a body compiler without coercion, one with it
 * for the rest; validators and serializers taken from the shared cache when the same
 * schema was compiled before.
 */
export function validationSchemaController(): {
  compilersFactory: { buildValidator: ValidatorFactory; buildSerializer: SerializerFactory };
} {
  // Ajv instances of this generation, created only when a schema is new.
  const fromPool = AjvCompiler();
  const buildValidator = (externalSchemas: ExternalSchemas): RouteCompiler => {
    const compilerFor = (options: typeof BODY_AJV_OPTIONS | typeof TEXT_PART_AJV_OPTIONS) => {
      let compiler: RouteCompiler | undefined;
      const context = contextKey("ajv", externalSchemas, options);
      return (route: RouteSchema) =>
        compiled.get(context, route.schema, () => {
          compiler ??= fromPool(externalSchemas, {
            customOptions: options,
          }) as unknown as RouteCompiler;
          return compiler(route) as never;
        }) as ReturnType<RouteCompiler>;
    };
    const body = compilerFor(BODY_AJV_OPTIONS);
    const text = compilerFor(TEXT_PART_AJV_OPTIONS);
    return (route) => (route.httpPart === "body" ? body : text)(route);
  };
  const serializers = SerializerSelector();
  const buildSerializer = (externalSchemas: unknown, serializerOptions: unknown) => {
    const context = contextKey("fast-json-stringify", externalSchemas, serializerOptions);
    let compiler: ((route: { schema: unknown }) => unknown) | undefined;
    return (route: { schema: unknown }) =>
      compiled.get(context, route.schema, () => {
        compiler ??= serializers(externalSchemas as never, serializerOptions as never) as never;
        return (compiler as (route: { schema: unknown }) => never)(route);
      });
  };
  return {
    compilersFactory: {
      buildValidator: buildValidator as unknown as ValidatorFactory,
      buildSerializer: buildSerializer as unknown as SerializerFactory,
    },
  };
}
