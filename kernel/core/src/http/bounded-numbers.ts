/**
 * Every `integer` a route validates (params, querystring, body, headers) is bounded to
 * the safe integers, and every `number` to the finite ones, unless the schema bounds it
 * itself. Ajv coerces the query text "Infinity" (or 400 digits) to `Infinity`, which
 * then passes as an integer: with Ajv's default `strictNumbers` it even skips
 * `minimum`/`maximum` for it (they assume a finite number), so the kernel turns
 * `strictNumbers` off (validation.ts) and bounds numbers here instead. Unbounded, the
 * value reached the database (TypeORM wrote `WHERE id = Infinity`: "no such column",
 * a 500), and numbers past 2^53 are silently rounded. Bounded, Ajv answers 400.
 */
import type { RouteOptions } from "fastify";

type Schema = Record<string, unknown>;

const PARTS = ["params", "querystring", "body", "headers"] as const;
const NESTED = ["items", "additionalProperties", "not", "if", "then", "else"] as const;
const LISTS = ["allOf", "anyOf", "oneOf", "prefixItems"] as const;
const MAPS = ["properties", "patternProperties", "content", "definitions", "$defs"] as const;

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasType(schema: Schema, name: string): boolean {
  const type = schema.type;
  return type === name || (Array.isArray(type) && type.includes(name));
}

/** A copy of the schema with every unbounded number bounded (the input is not changed). */
export function boundNumbers(schema: unknown): unknown {
  if (!isSchema(schema)) return schema;
  const out: Schema = { ...schema };
  const integer = hasType(out, "integer");
  if (integer || hasType(out, "number")) {
    if (out.maximum === undefined && out.exclusiveMaximum === undefined) {
      out.maximum = integer ? Number.MAX_SAFE_INTEGER : Number.MAX_VALUE;
    }
    if (out.minimum === undefined && out.exclusiveMinimum === undefined) {
      out.minimum = integer ? Number.MIN_SAFE_INTEGER : -Number.MAX_VALUE;
    }
  }
  for (const key of NESTED) if (key in out) out[key] = boundNumbers(out[key]);
  for (const key of LISTS) {
    const list = out[key];
    if (Array.isArray(list)) out[key] = list.map(boundNumbers);
  }
  for (const key of MAPS) {
    const map = out[key];
    if (isSchema(map)) {
      out[key] = Object.fromEntries(
        Object.entries(map).map(([name, value]) => [name, boundNumbers(value)]),
      );
    }
  }
  // A body schema per content type: `{content: {"application/json": {schema}}}`.
  if (isSchema(out.schema)) out.schema = boundNumbers(out.schema);
  return out;
}

/** An `onRoute` hook: bounds the numbers of the route's input schemas. */
export function boundRouteNumbers(route: RouteOptions): void {
  const schema = route.schema as Schema | undefined;
  if (!schema) return;
  const bounded: Schema = { ...schema };
  for (const part of PARTS) {
    if (part in bounded) bounded[part] = boundNumbers(bounded[part]);
  }
  route.schema = bounded;
}
