/**
 * How route schemas are compiled: Fastify's own Ajv compiler, twice. Query strings,
 * path parameters and headers arrive as text, so Ajv coerces them to the schema's
 * types ("10" → 10, one value → an array of one). A JSON body already carries its
 * types: coercing it would accept `"total": "10"` or `"total": true` as a number (true
 * becomes 1), and a client's mistake would be stored as a different value instead of
 * being sent back. JSON bodies are therefore validated without coercion (Fastify's
 * documented way: one compiler per `httpPart`).
 */
import { AjvCompiler } from "@fastify/ajv-compiler";
import type { FastifySchemaCompiler, FastifyServerOptions } from "fastify";

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

type ValidatorFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>["buildValidator"];
type ExternalSchemas = Parameters<ReturnType<typeof AjvCompiler>>[0];
type RouteSchema = Parameters<FastifySchemaCompiler<unknown>>[0];
/** What the pooled compiler really takes (its declared type says an Ajv schema). */
type RouteCompiler = (route: RouteSchema) => ReturnType<FastifySchemaCompiler<unknown>>;

/** Fastify's `schemaController` option: a body compiler without coercion, one with it for the rest. */
export function validationSchemaController(): {
  compilersFactory: { buildValidator: ValidatorFactory };
} {
  const fromPool = AjvCompiler();
  const buildValidator = (externalSchemas: ExternalSchemas): RouteCompiler => {
    const body = fromPool(externalSchemas, {
      customOptions: BODY_AJV_OPTIONS,
    }) as unknown as RouteCompiler;
    const text = fromPool(externalSchemas, {
      customOptions: TEXT_PART_AJV_OPTIONS,
    }) as unknown as RouteCompiler;
    return (route) => (route.httpPart === "body" ? body : text)(route);
  };
  return {
    compilersFactory: {
      buildValidator: buildValidator as unknown as ValidatorFactory,
    },
  };
}
