/**
 * TypeBox, from the SDK: write a route's JSON schema once with `Type`, and get its
 * TypeScript type with `Static` (or let Fastify derive the handler's types through
 * `app.withTypeProvider<TypeBoxTypeProvider>()`). The schemas are plain JSON Schema,
 * so Ajv validates them, fast-json-stringify serialises with them and the OpenAPI
 * document shows them as before. ADR 0022 says why TypeBox 1.x.
 *
 * `Static` also reads a plain `{ type: "object", … } as const` schema, so older
 * schemas can be typed without rewriting them.
 */
export type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
export { type Static, type TSchema, Type } from "typebox";
